"""examples/ensemble_sweep.py: one vmapped step trains N members, each at its own peak."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import torch

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "ensemble_sweep.py"


def _load():
    spec = importlib.util.spec_from_file_location("ensemble_sweep", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["ensemble_sweep"] = module
    spec.loader.exec_module(module)
    return module


ens = _load()
TINY = {"steps": 12, "features": 4, "hidden": 6, "samples": 32, "batch": 8, "seed": 3}
PEAKS = [0.0, 0.05, 0.2]


def test_each_member_follows_the_schedule_at_its_own_peak() -> None:
    result = ens.sweep(PEAKS, **TINY)
    sched = ens.make_schedule(TINY["steps"])
    assert result.lrs.shape == (TINY["steps"], len(PEAKS))
    for k in range(TINY["steps"]):
        for i, peak in enumerate(PEAKS):
            assert math.isclose(result.lrs[k, i].item(), sched(k, peak), rel_tol=1e-6, abs_tol=0)


def test_members_differ_only_by_their_lr() -> None:
    result = ens.sweep(PEAKS, **TINY)
    # Same weights, same batch: the same first loss for all.
    torch.testing.assert_close(result.losses[0], result.losses[0, :1].expand(len(PEAKS)))
    for name, final in result.params.items():
        init = result.init[name]
        torch.testing.assert_close(final[0], init[0], rtol=0, atol=0)  # peak 0: never moves
        assert not torch.allclose(final[1], init[1]), name
        assert not torch.allclose(final[1], final[2]), name
        # The larger peak moves further from the start.
        assert (final[2] - init[2]).norm() > (final[1] - init[1]).norm(), name
    # Each member equals the same model trained alone with a plain loop.
    for i, peak in enumerate(PEAKS):
        alone = ens.train_one(peak, **TINY)
        for name, value in alone.items():
            torch.testing.assert_close(result.params[name][i], value, rtol=1e-5, atol=1e-6)
