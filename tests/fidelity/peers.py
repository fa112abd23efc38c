"""Shared helpers for the fidelity tests: load each peer library and compare its schedule
with an lrfunc expression over many steps.

The peers run in their own environment (``make fidelity``, ``.venv-peers``); in the normal
suite every module here is skipped by ``pytest.importorskip``.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import sys
import types
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

import lrfunc as lf


def importorskip(name: str) -> Any:
    """``pytest.importorskip`` with the peer's import-time warnings silenced (the suite turns
    warnings into errors; a deprecation inside a peer is not what these tests check)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pytest.importorskip(name)


def _load_source(package: str, modules: Iterable[str], stubs: dict[str, dict[str, Any]]) -> None:
    """Import ``modules`` of an installed ``package`` from their source files without running
    the package's ``__init__`` (which, for timm and Composer, imports torchvision: the only
    torchvision wheel on the index is a CUDA build that cannot load beside torch's CPU
    build). ``stubs`` gives the attributes of the package modules that the loaded modules
    import names from: the name of the module to take it from, or the value itself. The
    schedule code under test is the package's own file."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.submodule_search_locations is None:
        pytest.skip(f"{package} is not installed", allow_module_level=True)
    root = Path(next(iter(spec.submodule_search_locations)))
    for name in modules:
        parts = name.split(".")
        for depth in range(1, len(parts)):
            pkg = ".".join(parts[:depth])
            if pkg not in sys.modules:
                stub = types.ModuleType(pkg)
                stub.__path__ = [str(root.joinpath(*parts[1:depth]))]
                sys.modules[pkg] = stub
        path = root.joinpath(*parts[1:]).with_suffix(".py")
        mod_spec = importlib.util.spec_from_file_location(name, path)
        assert mod_spec is not None and mod_spec.loader is not None
        module = importlib.util.module_from_spec(mod_spec)
        sys.modules[name] = module
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mod_spec.loader.exec_module(module)
        parent = sys.modules[".".join(parts[:-1])]
        setattr(parent, parts[-1], module)
        for pkg, attrs in stubs.items():
            if pkg in sys.modules:
                for attr, source in attrs.items():
                    if hasattr(sys.modules[pkg], attr):
                        continue
                    if not isinstance(source, str):
                        setattr(sys.modules[pkg], attr, source)
                    elif source in sys.modules:
                        setattr(sys.modules[pkg], attr, getattr(sys.modules[source], attr))


def timm_scheduler() -> Any:
    """``timm.scheduler`` (the package import when it works, else its files)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return importlib.import_module("timm.scheduler")
    except ImportError as error:
        if getattr(error, "name", None) == "timm":
            pytest.skip("timm is not installed", allow_module_level=True)
    except RuntimeError:  # a torchvision that does not match torch
        pass
    for name in [n for n in sys.modules if n == "timm" or n.startswith("timm.")]:
        del sys.modules[name]
    classes = {"cosine_lr": "CosineLRScheduler", "tanh_lr": "TanhLRScheduler"}
    classes["poly_lr"] = "PolyLRScheduler"
    _load_source(
        "timm",
        ["timm.scheduler.scheduler", *(f"timm.scheduler.{n}" for n in classes)],
        {"timm.scheduler": {c: f"timm.scheduler.{n}" for n, c in classes.items()}},
    )
    return sys.modules["timm.scheduler"]


def composer_scheduler() -> Any:
    """``composer.optim.scheduler`` (the package import when it works, else its files, with
    ``composer.core`` holding ``Time`` and ``TimeUnit`` from ``composer/core/time.py``)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return importlib.import_module("composer.optim.scheduler")
    except ImportError as error:
        if getattr(error, "name", None) == "composer":
            pytest.skip("mosaicml (composer) is not installed", allow_module_level=True)
    except RuntimeError:
        pass
    for name in [n for n in sys.modules if n == "composer" or n.startswith("composer.")]:
        del sys.modules[name]
    _load_source(
        "composer",
        [
            "composer.utils.string_enum",
            "composer.core.serializable",
            "composer.core.time",
            "composer.optim.scheduler",
        ],
        {
            "composer.utils": {"StringEnum": "composer.utils.string_enum"},
            "composer.core": {
                "Time": "composer.core.time",
                "TimeUnit": "composer.core.time",
                "Timestamp": "composer.core.time",
                "State": object,  # only an annotation in the scheduler module
            },
        },
    )
    return sys.modules["composer.optim.scheduler"]


def torch_lambda_lrs(make: Callable[[Any], Any], steps: int, base_lr: float = 1.0) -> list[float]:
    """The lr of each of the first ``steps`` updates under a torch scheduler built by
    ``make(optimizer)`` (HF and Composer hand torch a ``LambdaLR``)."""
    import torch

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=base_lr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scheduler = make(opt)
        out = []
        for _ in range(steps):
            out.append(float(opt.param_groups[0]["lr"]))
            opt.step()
            scheduler.step()
    return out


def assert_matches(
    sched: lf.Schedule,
    reference: Callable[[int], float] | list[float],
    steps: Iterable[int],
    *,
    base_lr: float = 1.0,
    rel: float = 1e-9,
    abs: float = 1e-12,
) -> None:
    """``sched(k, base_lr)`` equals the peer's value at every step ``k``."""
    bad = []
    for k in steps:
        want = reference[k] if isinstance(reference, list) else reference(k)
        got = sched(k, base_lr)
        if not math.isclose(got, float(want), rel_tol=rel, abs_tol=abs):
            bad.append((k, got, float(want)))
    assert not bad, f"{len(bad)} steps differ (step, lrfunc, peer), first: {bad[:5]}; {sched!r}"
