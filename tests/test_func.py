"""torch.func: vmap over steps and over parameter values, grad in float parameters.

Gradients must be finite at step 0, at every boundary and past the end: the branch a
``where`` discards must not leak NaN through its backward pass (see :mod:`lrfunc._ops`).
"""

from __future__ import annotations

import math

import pytest
import torch
from schedule_examples import (
    EXAMPLES,
    GRAD_CASES,
    NO_TENSOR_PARAMS,
    GradCase,
    all_steps,
    grad_steps,
    public_schedule_classes,
)
from torch.func import grad, vmap

import lrfunc as lf
import lrfunc.functional as F
from lrfunc import _ops as ops

F64 = torch.float64
STEPS = torch.tensor(all_steps(), dtype=torch.int64)


def test_every_public_schedule_has_a_grad_case() -> None:
    covered = {type(c.build(**_tensors(c.params))) for c in GRAD_CASES}
    missing = sorted(
        name
        for name, cls in public_schedule_classes().items()
        if cls not in covered and name not in NO_TENSOR_PARAMS
    )
    assert not missing, (
        "public schedules with no GRAD_CASES entry (nor a NO_TENSOR_PARAMS reason) in "
        f"tests/schedule_examples.py: {missing}"
    )


def _tensors(params: dict[str, float] | object) -> dict[str, torch.Tensor]:
    return {k: torch.tensor(v, dtype=F64) for k, v in dict(params).items()}  # type: ignore[call-overload]


# -- vmap over steps -----------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_vmap_over_steps_equals_vectorised_call(example) -> None:
    sched = example.schedule
    mapped = vmap(lambda s: sched(s, 0.1))(STEPS)
    torch.testing.assert_close(mapped, sched(STEPS, 0.1), rtol=0, atol=0)
    want = torch.tensor([sched(int(k), 0.1) for k in STEPS], dtype=mapped.dtype)
    torch.testing.assert_close(mapped, want, rtol=2e-6, atol=1e-30)


# -- vmap over parameter values (sweeps, ensembles) ----------------------------------------

SWEEP_STEPS = torch.tensor([0, 3, 10, 50, 99, 100, 10**6], dtype=F64)


def test_vmap_over_peak_lr() -> None:
    sched = lf.chain(lf.warmup(10), lf.cosine(90, end=0.1))
    peaks = torch.tensor([1e-4, 3e-4, 1e-3], dtype=F64)
    got = vmap(lambda lr: sched(SWEEP_STEPS, lr))(peaks)
    assert got.shape == (3, len(SWEEP_STEPS))
    for row, peak in zip(got, peaks.tolist(), strict=True):
        want = torch.tensor([sched(float(k), peak) for k in SWEEP_STEPS], dtype=F64)
        torch.testing.assert_close(row, want, rtol=1e-12, atol=0)


def test_vmap_over_end_factor_with_schedule_built_inside() -> None:
    ends = torch.tensor([0.0, 0.1, 0.5], dtype=F64)

    def lrs(end: torch.Tensor) -> torch.Tensor:
        sched = lf.chain(lf.warmup(10), lf.cosine(90, end=end))
        return sched(SWEEP_STEPS, 2.0)

    got = vmap(lrs)(ends)
    for row, end in zip(got, ends.tolist(), strict=True):
        sched = lf.chain(lf.warmup(10), lf.cosine(90, end=end))
        want = torch.tensor([sched(float(k), 2.0) for k in SWEEP_STEPS], dtype=F64)
        torch.testing.assert_close(row, want, rtol=1e-12, atol=0)


def test_vmap_over_warmup_length_as_a_float_tensor() -> None:
    lengths = torch.tensor([5.0, 10.0, 40.0], dtype=F64)

    def lrs(n: torch.Tensor) -> torch.Tensor:
        # warmup then cosine built from kernels, with the warmup length a float tensor.
        ramp = F.warmup(SWEEP_STEPS, 1.0, steps=n)
        decay = F.cosine(SWEEP_STEPS - n, 1.0, steps=100.0 - n, end=0.1)
        return torch.where(SWEEP_STEPS < n, ramp, decay)

    got = vmap(lrs)(lengths)
    for row, n in zip(got, lengths.tolist(), strict=True):
        sched = lf.chain(lf.warmup(int(n)), lf.cosine(100 - int(n), end=0.1))
        want = torch.tensor([sched(float(k)) for k in SWEEP_STEPS], dtype=F64)
        torch.testing.assert_close(row, want, rtol=1e-12, atol=0)


def test_vmap_over_parameters_of_every_grad_case() -> None:
    # Each case's parameters, batched over three values: same as one at a time.
    for case in GRAD_CASES:
        params = _tensors(case.params)
        batched = {k: torch.stack([v, v * 0.9, v * 1.1]) for k, v in params.items()}

        def lrs(p: dict[str, torch.Tensor], case: GradCase = case) -> torch.Tensor:
            return case.build(**p)(SWEEP_STEPS, 0.5)

        got = vmap(lrs)(batched)
        for i in range(3):
            one = lrs({k: v[i] for k, v in batched.items()})
            torch.testing.assert_close(got[i], one, rtol=1e-12, atol=0, msg=case.name)


# -- grad in float parameters --------------------------------------------------------------


def _fd_gradient(case: GradCase, params: dict[str, float], name: str, k: int) -> float | None:
    """Central finite difference, or None where the one-sided slopes disagree (a kink)."""
    eps = 1e-6

    def f(value: float) -> float:
        return case.build(**{**params, name: value})(k)

    x = params[name]
    left = (f(x) - f(x - eps)) / eps
    right = (f(x + eps) - f(x)) / eps
    if not math.isclose(left, right, rel_tol=1e-3, abs_tol=1e-6):
        return None
    return (f(x + eps) - f(x - eps)) / (2 * eps)


@pytest.mark.parametrize("case", GRAD_CASES, ids=lambda c: c.name)
def test_grad_is_finite_and_right_at_start_boundaries_and_past_the_end(case: GradCase) -> None:
    params = dict(case.params)
    built = case.build(**params)
    for k in grad_steps(case, built):
        step = torch.tensor(k, dtype=torch.int64)
        grads = grad(lambda p, step=step: case.build(**p)(step, 1.0))(_tensors(params))
        for name, g in grads.items():
            assert torch.isfinite(g), f"{case.name}: d/d{name} = {g} at step {k}"
            want = _fd_gradient(case, params, name, k)
            if want is not None:
                assert math.isclose(float(g), want, rel_tol=1e-4, abs_tol=1e-6), (
                    f"{case.name}: d/d{name} = {float(g)} at step {k}, finite difference {want}"
                )


@pytest.mark.parametrize("k", [0, 5, 10, 11, 10**6])
def test_grad_in_kernel_lengths_given_as_float_tensors(k: int) -> None:
    # Lengths as float tensors (a differentiable warmup / decay length), kernel form.
    def lr(p: dict[str, torch.Tensor]) -> torch.Tensor:
        step = torch.tensor(float(k), dtype=F64)
        return (
            F.warmup(step, 1.0, steps=p["warmup"])
            * F.cosine(step, 1.0, steps=p["decay"], end=0.1)
            * F.poly(step, 1.0, steps=p["decay"], power=p["power"])
            * F.linear(step, 1.0, steps=p["decay"], end=0.2)
            * F.step(step, 1.0, every=p["every"], gamma=0.5)
            * F.exp(step, 1.0, gamma=0.9, every=p["every"], end=0.3)
        )

    p = {
        k_: torch.tensor(v, dtype=F64)
        for k_, v in {"warmup": 5.0, "decay": 10.0, "power": 2.0, "every": 3.0}.items()
    }
    grads = grad(lr)(p)
    for name, g in grads.items():
        assert torch.isfinite(g), f"d/d{name} = {g} at step {k}"


# -- the ops shim: a discarded branch leaks no NaN gradient --------------------------------


@pytest.mark.parametrize(
    "op",
    [
        pytest.param(lambda x: ops.sqrt(x), id="sqrt"),
        pytest.param(lambda x: ops.log(x), id="log"),
        pytest.param(lambda x: ops.pow(x, 0.5), id="pow_base"),
        pytest.param(lambda x: ops.pow(x, x), id="pow_both"),
        pytest.param(lambda x: ops.pow(0.0, x), id="pow_zero_base"),
    ],
)
@pytest.mark.parametrize("x", [0.0, -1.0, -0.0, 1e-300])
def test_ops_discarded_branch_has_no_nan_gradient(op, x: float) -> None:
    def f(t: torch.Tensor) -> torch.Tensor:
        return torch.where(t > 1.0, op(t), torch.zeros_like(t))

    g = grad(f)(torch.tensor(x, dtype=F64))
    assert torch.isfinite(g) and g == 0.0
    value = op(torch.tensor(x, dtype=F64))
    assert torch.isfinite(value)  # log clamps its input, so even log(0) is finite
