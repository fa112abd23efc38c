"""Property assertions for schedules.

Ranges are evaluated in one vectorised call per chunk through the tensor path (float64
by default), never step by step in Python. Every failure raises ``AssertionError`` with
a message that names the schedule, the step(s) and the values.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable, Iterable, Sequence
from numbers import Real
from typing import Any, cast

import torch

from .._schedule import Schedule
from .._tree import joins
from .._typed_torch import compile as compile_typed
from .._typed_torch import tolist
from .._validate import untyped

__all__ = [
    "Jump",
    "assert_bounded",
    "assert_compiled_matches",
    "assert_continuous",
    "assert_finite",
    "assert_matches_reference",
    "assert_monotone",
    "assert_paths_agree",
    "assert_periodic",
    "jumps",
]

_CHUNK = 1 << 20  # steps per vectorised call: bounds the memory of nested compositions
_SHOWN = 5  # mismatches listed in a message


# -- argument checks -------------------------------------------------------------------


def _schedule(value: Any) -> Schedule:
    if not isinstance(value, Schedule):
        raise TypeError(f"sched must be an lrfunc Schedule, got {value!r} ({type(value).__name__})")
    return value


def _int(name: str, value: Any, *, low: int = 0) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {value!r} ({type(value).__name__})")
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {value!r}")
    return value


def _range(start: Any, stop: Any) -> tuple[int, int]:
    start = _int("start", start)
    stop = _int("stop", stop)
    if stop <= start:
        raise ValueError(f"need start < stop, got start={start} and stop={stop}")
    return start, stop


def _real(name: str, value: Any, *, low: float = -math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if math.isnan(value) or value < low:
        raise ValueError(f"{name} must be a number >= {low}, got {value!r}")
    return value


def _base_lr(value: Any) -> float:
    value = _real("base_lr", value, low=0.0)
    if not math.isfinite(value):
        raise ValueError(f"base_lr must be finite, got {value!r}")
    return value


def _tolerances(rtol: Any, atol: Any) -> tuple[float, float]:
    rtol, atol = _real("rtol", rtol, low=0.0), _real("atol", atol, low=0.0)
    if not (math.isfinite(rtol) and math.isfinite(atol)):
        raise ValueError(f"rtol and atol must be finite, got rtol={rtol!r} and atol={atol!r}")
    return rtol, atol


def _steps(steps: Any) -> torch.Tensor:
    """Explicit steps as a 1-d tensor: int64 when all are ints (exact), else float64."""
    if isinstance(steps, torch.Tensor):
        values: list[Any] = tolist(steps.detach().cpu().reshape(-1))
    elif isinstance(steps, Iterable) and not isinstance(steps, (str, bytes)):
        values = list(cast(Iterable[Any], steps))
    else:
        raise TypeError(f"steps must be a sequence of numbers, got {steps!r}")
    if not values:
        raise ValueError("steps must not be empty")
    for k in values:
        _real("each step", k, low=0.0)
        if not math.isfinite(k):
            raise ValueError(f"each step must be finite, got {k!r}")
    if all(isinstance(k, int) for k in values):
        return torch.tensor(values, dtype=torch.int64)
    return torch.tensor([float(k) for k in values], dtype=torch.float64)


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _who(sched: Schedule, base_lr: float) -> str:
    return repr(sched) if base_lr == 1.0 else f"{sched!r} (base_lr={base_lr!r})"


# -- evaluation ------------------------------------------------------------------------


def _values(
    sched: Schedule, start: int, stop: int, base_lr: float, dtype: torch.dtype = torch.float64
) -> torch.Tensor:
    """``sched`` on every step of ``[start, stop)`` through the tensor path."""
    base = torch.tensor(base_lr, dtype=dtype)
    chunks = [
        sched(torch.arange(lo, min(lo + _CHUNK, stop), dtype=torch.int64), base)
        for lo in range(start, stop, _CHUNK)
    ]
    return torch.cat(chunks).to(torch.float64)


def _close(got: torch.Tensor, want: torch.Tensor, rtol: float, atol: float) -> torch.Tensor:
    """Elementwise agreement; equal infinities and two NaNs agree."""
    return torch.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)


# -- range properties ------------------------------------------------------------------


def assert_bounded(
    sched: Schedule,
    start: int,
    stop: int,
    *,
    low: float = 0.0,
    high: float = math.inf,
    base_lr: float = 1.0,
    rtol: float = 1e-9,
    atol: float = 0.0,
) -> None:
    """Assert ``low <= sched(k, base_lr) <= high`` for every step ``k`` in ``[start, stop)``.

    NaN is never in bounds. The bounds are widened by ``atol + rtol * |bound|`` for
    rounding.

    Raises:
        AssertionError: naming how many steps leave the bounds, the first and the worst.

    Examples:
        >>> import lrfunc as lf
        >>> from lrfunc.testing import assert_bounded
        >>> assert_bounded(lf.cosine(100, end=0.1), 0, 200, low=0.1, high=1.0)
        >>> assert_bounded(lf.linear(10, start=1.0, end=2.0), 0, 20, high=1.5)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        AssertionError: linear(10, end=2.0) leaves [0.0, 1.5] on steps [0, 20): ...
        first: lr(6) = 1.6; worst: lr(10) = 2.0
    """
    sched = _schedule(sched)
    start, stop = _range(start, stop)
    base_lr = _base_lr(base_lr)
    rtol, atol = _tolerances(rtol, atol)
    low, high = _real("low", low), _real("high", high)
    if low > high:
        raise ValueError(f"need low <= high, got low={low!r} and high={high!r}")
    v = _values(sched, start, stop, base_lr)
    lo = low - (atol + rtol * abs(low) if math.isfinite(low) else 0.0)
    hi = high + (atol + rtol * abs(high) if math.isfinite(high) else 0.0)
    bad = ~((v >= lo) & (v <= hi))
    if not bool(bad.any()):
        return
    where = torch.nonzero(bad).flatten()
    first = int(where[0])
    excess = torch.where(v < lo, lo - v, v - hi).nan_to_num(nan=math.inf)
    worst = int(torch.argmax(torch.where(bad, excess, -1.0)))
    raise AssertionError(
        f"{_who(sched, base_lr)} leaves [{low!r}, {high!r}] on steps [{start}, {stop}): "
        f"{len(where)} step{'s' if len(where) > 1 else ''} out of bounds; "
        f"first: lr({start + first}) = {v[first].item()!r}; "
        f"worst: lr({start + worst}) = {v[worst].item()!r}"
    )


def assert_finite(
    sched: Schedule,
    start: int,
    stop: int,
    *,
    base_lr: float = 1.0,
    dtype: torch.dtype = torch.float64,
) -> None:
    """Assert ``sched(k, base_lr)`` is finite (no NaN, no inf) for every ``k`` in
    ``[start, stop)``, computed in ``dtype``.

    Raises:
        AssertionError: naming how many steps are not finite and the first of them.

    Examples:
        >>> import lrfunc as lf
        >>> from lrfunc.testing import assert_finite
        >>> assert_finite(lf.exp(0.5), 0, 10_000, dtype=torch.float32)
        >>> assert_finite(lf.exp(2.0), 1_000, 1_100)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        AssertionError: exp(2.0) is not finite on steps [1000, 1100): ... lr(1024) = inf
    """
    sched = _schedule(sched)
    start, stop = _range(start, stop)
    base_lr = _base_lr(base_lr)
    v = _values(sched, start, stop, base_lr, dtype)
    bad = ~torch.isfinite(v)
    if not bool(bad.any()):
        return
    where = torch.nonzero(bad).flatten()
    first = int(where[0])
    raise AssertionError(
        f"{_who(sched, base_lr)} is not finite on steps [{start}, {stop}): "
        f"{len(where)} step{'s' if len(where) > 1 else ''}; "
        f"first: lr({start + first}) = {v[first].item()!r}"
    )


def assert_monotone(
    sched: Schedule,
    start: int,
    stop: int,
    *,
    increasing: bool,
    strict: bool = False,
    base_lr: float = 1.0,
    rtol: float = 1e-12,
    atol: float = 0.0,
) -> None:
    """Assert ``sched`` never falls (``increasing=True``) or never rises
    (``increasing=False``) from one step to the next on ``[start, stop)``.

    With ``strict`` every step must move in that direction. A non-strict check forgives
    moves the wrong way of at most ``atol + rtol * |lr|`` (rounding).

    Raises:
        AssertionError: naming how many times the schedule moves the wrong way, the
            first such pair of steps and their values.

    Examples:
        >>> import lrfunc as lf
        >>> from lrfunc.testing import assert_monotone
        >>> assert_monotone(lf.warmup(100), 0, 200, increasing=True)
        >>> assert_monotone(lf.warmup(100), 0, 200, increasing=True, strict=True)
        Traceback (most recent call last):
        ...
        AssertionError: warmup(100) is not strictly increasing on steps [0, 200): it stays 99 times;
        first at step 101: lr(100) = 1.0 >= lr(101) = 1.0
    """
    sched = _schedule(sched)
    start, stop = _range(start, stop)
    if stop - start < 2:
        raise ValueError(f"need at least two steps, got [{start}, {stop})")
    if not isinstance(untyped(increasing), bool) or not isinstance(untyped(strict), bool):
        raise TypeError(f"increasing and strict must be bools, got {increasing!r}, {strict!r}")
    base_lr = _base_lr(base_lr)
    rtol, atol = _tolerances(rtol, atol)
    v = _values(sched, start, stop, base_lr)
    a, b = v[:-1], v[1:]
    rise = (b - a) if not increasing else (a - b)  # > 0: a move the wrong way
    if strict:
        ok = rise < 0
    else:
        ok = rise <= atol + rtol * torch.maximum(a.abs(), b.abs())
    bad = ~ok
    if not bool(bad.any()):
        return
    where = torch.nonzero(bad).flatten()
    i = int(where[0])
    wrong = "falls" if increasing else "rises"
    if strict:
        word = f"strictly {'increasing' if increasing else 'decreasing'}"
        moves = wrong if bool(rise[i] > 0) else "stays"
        cmp = ">=" if increasing else "<="
    else:
        word = f"non-{'decreasing' if increasing else 'increasing'}"
        moves, cmp = wrong, (">" if increasing else "<")
    x, y = _fmt(a[i].item()), _fmt(b[i].item())
    if x == y:  # too close to tell apart in 6 digits
        x, y = repr(a[i].item()), repr(b[i].item())
    raise AssertionError(
        f"{_who(sched, base_lr)} is not {word} on steps [{start}, {stop}): "
        f"it {moves} {len(where)} time{'s' if len(where) > 1 else ''}; "
        f"first at step {start + i + 1}: lr({start + i}) = {x} {cmp} lr({start + i + 1}) = {y}"
    )


def assert_periodic(
    sched: Schedule,
    period: int,
    *,
    start: int = 0,
    cycles: int = 3,
    base_lr: float = 1.0,
    rtol: float = 1e-9,
    atol: float = 1e-12,
) -> None:
    """Assert ``sched(k + period) == sched(k)`` for ``cycles`` whole periods from ``start``.

    Every cycle is compared with the first, step by step, within
    ``atol + rtol * |lr|``.

    Raises:
        AssertionError: naming how many steps differ and the first pair.

    Examples:
        >>> import lrfunc as lf
        >>> from lrfunc.testing import assert_periodic
        >>> assert_periodic(lf.constant(0.5), 7)
        >>> assert_periodic(lf.step(5, gamma=0.5), 10, start=3)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        AssertionError: step(5, gamma=0.5) is not periodic with period 10 from step 3 ...
        first: lr(3) = 1 but lr(13) = 0.25
    """
    sched = _schedule(sched)
    period = _int("period", period, low=1)
    start = _int("start", start)
    cycles = _int("cycles", cycles, low=2)
    base_lr = _base_lr(base_lr)
    rtol, atol = _tolerances(rtol, atol)
    v = _values(sched, start, start + cycles * period, base_lr).reshape(cycles, period)
    bad = ~_close(v[1:], v[:1].expand(cycles - 1, period), rtol, atol)
    if not bool(bad.any()):
        return
    where = torch.nonzero(bad.flatten()).flatten()
    j = int(where[0])
    cycle, phase = j // period + 1, j % period
    raise AssertionError(
        f"{_who(sched, base_lr)} is not periodic with period {period} from step {start} "
        f"({cycles} cycles): {len(where)} step{'s' if len(where) > 1 else ''} differ; "
        f"first: lr({start + phase}) = {_fmt(v[0, phase].item())} but "
        f"lr({start + cycle * period + phase}) = {_fmt(v[cycle, phase].item())}"
    )


# -- joins -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Jump:
    """A discontinuity of a schedule at a join of a :class:`~lrfunc.chain`.

    Attributes:
        step: where the next piece starts (global step; fractional under ``stretch``).
        before: the lr the schedule approaches just before ``step`` (left limit).
        after: the lr at ``step``.
        join: which pieces meet there, as ``"<piece> -> <next piece>"``.
    """

    step: float
    before: float
    after: float
    join: str

    def __str__(self) -> str:
        step = int(self.step) if float(self.step).is_integer() else self.step
        return (
            f"step {step} ({self.join}): {_fmt(self.before)} -> {_fmt(self.after)} "
            f"(by {_fmt(self.after - self.before)})"
        )


def _joins(sched: Schedule) -> list[tuple[float, str]]:
    """The visible joins inside ``sched`` (:func:`lrfunc.joins`), in its own time."""
    return [(j.step, f"{j.before!r} -> {j.after!r}") for j in joins(sched)]


def jumps(
    sched: Schedule,
    *,
    base_lr: float = 1.0,
    at: Iterable[float] | None = None,
    rtol: float = 1e-6,
    atol: float = 1e-9,
) -> list[Jump]:
    """The jumps of ``sched`` at the joins of its chains, in step order.

    Joins are found through ``chain``, ``product``, ``scale``, ``clip``, ``shift`` and
    ``stretch``; ``at`` adds steps to check (joins inside other combinators). At each
    join ``b`` the value there, ``sched(b)``, is compared with the left limit of the
    schedule's continuous-time formula (the piece that ends at ``b``, evaluated at its
    end); a difference over ``atol + rtol * |lr|`` is a jump.

    Returns:
        A list of :class:`Jump`, empty when the schedule is continuous at every join.

    Examples:
        >>> import lrfunc as lf
        >>> from lrfunc.testing import jumps
        >>> jumps(lf.chain(lf.warmup(10), lf.cosine(90)))
        []
        >>> [str(j) for j in jumps(lf.chain(lf.linear(10), lf.constant(0.5)))]
        ['step 10 (linear(10) -> constant(0.5)): 0 -> 0.5 (by 0.5)']
    """
    sched = _schedule(sched)
    base_lr = _base_lr(base_lr)
    rtol, atol = _tolerances(rtol, atol)
    found = {p: j for p, j in reversed(_joins(sched))}  # the outermost name wins
    for p in at or ():
        found.setdefault(_real("each step in at", p, low=0.0), "given step")
    points = sorted(p for p in found if p > 0)
    if not points:
        return []
    b = torch.tensor(points, dtype=torch.float64)
    base = torch.tensor(base_lr, dtype=torch.float64)
    # The left limit by linear extrapolation from two points just before the join, so
    # the slope of a smooth piece does not count as a jump.
    eps = 1e-4 * torch.clamp(b * 1e-6, min=1.0)
    before = 2 * sched(b - eps, base) - sched(b - 2 * eps, base)
    after = sched(b, base)
    bad = ~_close(after, before, rtol, atol)
    return [
        Jump(step=p, before=before[i].item(), after=after[i].item(), join=found[p])
        for i, p in enumerate(points)
        if bool(bad[i])
    ]


def assert_continuous(
    sched: Schedule,
    *,
    base_lr: float = 1.0,
    at: Iterable[float] | None = None,
    rtol: float = 1e-6,
    atol: float = 1e-9,
) -> None:
    """Assert ``sched`` has no jump at the joins of its chains (see :func:`jumps`).

    Raises:
        AssertionError: listing each jump: the step, the pieces, the values either side.

    Examples:
        >>> import lrfunc as lf
        >>> from lrfunc.testing import assert_continuous
        >>> assert_continuous(lf.chain(lf.warmup(100), lf.cosine(900)))
        >>> assert_continuous(lf.chain(lf.cosine(100), lf.constant(0.1), boundaries=[50]))
        Traceback (most recent call last):
        ...
        AssertionError: chain(cosine(100), constant(0.1), boundaries=[50]) jumps at 1 join:
        step 50 (cosine(100) -> constant(0.1)): 0.5 -> 0.1 (by -0.4)
    """
    found = jumps(sched, base_lr=base_lr, at=at, rtol=rtol, atol=atol)
    if found:
        n = len(found)
        raise AssertionError(
            f"{_who(sched, base_lr)} jumps at {n} join{'s' if n > 1 else ''}: "
            + "; ".join(map(str, found))
        )


# -- agreement -------------------------------------------------------------------------


def _mismatches(
    what: str, steps: torch.Tensor, got: torch.Tensor, want: torch.Tensor, bad: torch.Tensor
) -> str:
    where = tolist(torch.nonzero(bad).flatten())
    rows = [
        f"step {_step_text(steps[i])}: {got[i].item()!r} vs {want[i].item()!r}"
        for i in where[:_SHOWN]
    ]
    more = f"; and {len(where) - _SHOWN} more" if len(where) > _SHOWN else ""
    return f"{what} at {len(where)} of {len(bad)} steps: " + "; ".join(rows) + more


def _step_text(k: torch.Tensor) -> str:
    value = k.item()
    return str(int(value)) if float(value).is_integer() else repr(value)


def assert_paths_agree(
    sched: Schedule,
    steps: Iterable[float],
    *,
    base_lr: float = 1.0,
    dtype: torch.dtype = torch.float64,
    rtol: float | None = None,
    atol: float | None = None,
) -> None:
    """Assert the number path (``sched(k, base_lr)`` with Python numbers, one call per
    step) and the tensor path (one call on all ``steps``, ``base_lr`` a ``dtype`` tensor)
    give the same learning rates.

    The tensor result must have ``dtype`` and one value per step. Default tolerances:
    ``rtol=1e-12`` for float64 and ``1e-6`` for float32 (the library's precision
    promise), ``atol`` the smallest normal number of ``dtype`` (values that underflow).

    Raises:
        AssertionError: listing the steps where the paths differ, number path first;
            or when the number path raises for a valid step.

    Examples:
        >>> import torch, lrfunc as lf
        >>> from lrfunc.testing import assert_paths_agree
        >>> sched = lf.chain(lf.warmup(1_000), lf.cosine(10**9, end=0.1))
        >>> assert_paths_agree(sched, [0, 999, 1_000, 10**8, 10**9, 10**12])
        >>> assert_paths_agree(sched, range(0, 10**6, 997), dtype=torch.float32)
    """
    sched = _schedule(sched)
    base_lr = _base_lr(base_lr)
    t = _steps(steps)
    if not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating-point dtype, got {dtype}")
    rtol = (1e-12 if dtype == torch.float64 else 1e-6) if rtol is None else rtol
    atol = torch.finfo(dtype).tiny if atol is None else atol
    rtol, atol = _tolerances(rtol, atol)
    numbers: list[float] = []
    for k in tolist(t):
        try:
            value = sched(k, base_lr)
        except Exception as err:
            raise AssertionError(
                f"{_who(sched, base_lr)}: the number path raised at step {k}: "
                f"{type(err).__name__}: {err}"
            ) from err
        if not isinstance(value, float):
            raise AssertionError(
                f"{_who(sched, base_lr)}: the number path returned "
                f"{type(value).__name__} {value!r} at step {k}, not a float"
            )
        numbers.append(value)
    out = sched(t, torch.tensor(base_lr, dtype=dtype))
    if not isinstance(out, torch.Tensor) or out.dtype != dtype or out.shape != t.shape:
        got = f"{out.dtype} {tuple(out.shape)}" if isinstance(out, torch.Tensor) else repr(out)
        raise AssertionError(
            f"{_who(sched, base_lr)}: the tensor path returned {got}, "
            f"expected {dtype} {tuple(t.shape)}"
        )
    want = torch.tensor(numbers, dtype=torch.float64)
    got_ = out.to(torch.float64)
    bad = ~_close(got_, want, rtol, atol)
    if bool(bad.any()):
        raise AssertionError(
            f"{_who(sched, base_lr)}: "
            + _mismatches(f"number path != {dtype} tensor path", t, want, got_, bad)
        )


def assert_matches_reference(
    sched: Schedule,
    reference: Callable[[Any], float] | Sequence[float],
    steps: Iterable[float],
    *,
    base_lr: float = 1.0,
    rtol: float = 1e-9,
    atol: float = 1e-12,
) -> None:
    """Assert ``sched(k, base_lr)`` equals a reference at every step of ``steps``.

    ``reference`` is a function of the step giving the expected learning rate (with
    ``base_lr`` applied), or a sequence of expected values, one per step (for example
    a trajectory recorded from another library). The schedule is evaluated on the
    float64 tensor path.

    Raises:
        AssertionError: listing the steps where they differ, schedule first.

    Examples:
        >>> import math, lrfunc as lf
        >>> from lrfunc.testing import assert_matches_reference
        >>> ref = lambda k: 0.5 * (1 + math.cos(math.pi * min(k, 100) / 100))
        >>> assert_matches_reference(lf.cosine(100), ref, range(200))
        >>> assert_matches_reference(lf.linear(4), [1.0, 0.75, 0.5, 0.2], range(4))
        Traceback (most recent call last):
        ...
        AssertionError: linear(4): schedule != reference at 1 of 4 steps: step 3: 0.25 vs 0.2
    """
    sched = _schedule(sched)
    base_lr = _base_lr(base_lr)
    rtol, atol = _tolerances(rtol, atol)
    t = _steps(steps)
    keys = tolist(t)
    if callable(reference):
        expected: list[float] = []
        for k in keys:
            expected.append(float(reference(k)))
    elif isinstance(untyped(reference), Sequence) and not isinstance(reference, (str, bytes)):
        if len(reference) != len(keys):
            raise ValueError(
                f"reference has {len(reference)} values but steps has {len(keys)} steps"
            )
        expected = [float(v) for v in reference]
    else:
        raise TypeError(f"reference must be a function or a sequence, got {reference!r}")
    got = sched(t, torch.tensor(base_lr, dtype=torch.float64)).to(torch.float64)
    want = torch.tensor(expected, dtype=torch.float64)
    bad = ~_close(got, want, rtol, atol)
    if bool(bad.any()):
        raise AssertionError(
            f"{_who(sched, base_lr)}: " + _mismatches("schedule != reference", t, got, want, bad)
        )


def assert_compiled_matches(
    sched: Schedule | Sequence[Schedule],
    steps: Iterable[float],
    *,
    base_lr: float = 1.0,
    dtype: torch.dtype = torch.float64,
    backend: str = "inductor",
    device: str | torch.device = "cpu",
    rtol: float = 1e-6,
    atol: float = 1e-12,
) -> None:
    """Assert ``torch.compile(fullgraph=True)`` of the schedule gives the eager values.

    Pass several schedules to check them all with one compiled function (compiling is
    the slow part). The steps go in as one tensor on ``device``; ``backend="eager"`` or
    ``"aot_eager"`` checks tracing (no graph break) without code generation, cheaply.

    Raises:
        AssertionError: when tracing fails (a graph break), or listing the steps where
            compiled and eager values differ, compiled first.

    Examples:
        >>> import lrfunc as lf
        >>> from lrfunc.testing import assert_compiled_matches
        >>> assert_compiled_matches(
        ...     [lf.chain(lf.warmup(10), lf.cosine(90)), lf.step(30, gamma=0.5)],
        ...     range(0, 200, 7),
        ...     backend="eager",
        ... )
    """
    scheds = [sched] if isinstance(sched, Schedule) else list(sched)
    scheds = [_schedule(s) for s in scheds]
    if not scheds:
        raise ValueError("sched must be a schedule or a non-empty sequence of schedules")
    base_lr = _base_lr(base_lr)
    rtol, atol = _tolerances(rtol, atol)
    t = _steps(steps).to(device)
    base = torch.tensor(base_lr, dtype=dtype, device=device)

    def all_lrs(step: torch.Tensor, base_lr: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return tuple(s(step, base_lr) for s in scheds)

    eager = all_lrs(t, base)
    compiled = compile_typed(all_lrs, fullgraph=True, backend=backend)
    try:
        with warnings.catch_warnings():
            # torch's own code generation warns about its deprecated TorchScript helpers;
            # that is no finding about the schedule (and -W error would turn it into one).
            warnings.filterwarnings(
                "ignore", message=".*torch.jit.*deprecated", category=DeprecationWarning
            )
            outs = compiled(t, base)
    except Exception as err:
        lines = [line for line in str(err).splitlines() if line.strip()][:4]
        names = ", ".join(map(repr, scheds))
        raise AssertionError(
            f"torch.compile(fullgraph=True, backend={backend!r}) failed on {names}: "
            f"{type(err).__name__}: " + " / ".join(lines)
        ) from err
    for s, want, got in zip(scheds, eager, outs, strict=True):
        got64, want64 = got.detach().cpu().double(), want.detach().cpu().double()
        bad = ~_close(got64, want64, rtol, atol)
        if bool(bad.any()):
            raise AssertionError(
                f"{_who(s, base_lr)}: "
                + _mismatches("compiled != eager", t.cpu(), got64, want64, bad)
            )
