"""Argument checks shared by every constructor.

Each check raises ``TypeError`` for a value of the wrong kind and ``ValueError`` for a
value out of range, with a message that names the parameter and shows the value. Tensor
parameters (for ``torch.func.vmap`` sweeps and ``torch.func.grad``) are accepted as they
are: checking them would need the host.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from numbers import Integral, Real
from types import MappingProxyType
from typing import Any, TypeGuard, cast

import torch

__all__ = [
    "BOOL",
    "FACTOR",
    "LENGTH",
    "MAX_STEPS",
    "MIN_SCALE",
    "NONNEGATIVE_INT",
    "PERIOD",
    "POSITIVE",
    "SCHEDULE",
    "ParameterError",
    "ParameterTypeError",
    "ParameterValueError",
    "check_base_lr",
    "check_boundaries",
    "check_choice",
    "check_every",
    "check_factor",
    "check_length",
    "check_nonnegative_int",
    "check_period",
    "check_positive",
    "check_real",
    "check_step",
    "check_time_scale",
    "check_total",
    "checked",
    "choice",
    "did_you_mean",
    "optional",
    "real",
    "run_checks",
]


class ParameterError(Exception):
    """A constructor argument that failed its check; ``param`` names it as data.

    ``param`` is the parameter's name, with an index for an item of a sequence
    (``"boundaries[2]"``, ``"schedules[0]"``), so config and parse errors can point at the
    place without reading the message.
    """

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.param, str(self)))


class ParameterValueError(ParameterError, ValueError):
    """A value out of its accepted range (a ``ValueError`` naming the parameter)."""


class ParameterTypeError(ParameterError, TypeError):
    """A value of the wrong kind (a ``TypeError`` naming the parameter)."""


for _error in (ParameterError, ParameterValueError, ParameterTypeError):
    _error.__module__ = "lrfunc"  # their public home: shown as ``lrfunc.ParameterError``


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'end'?"`` when ``word`` is close to one of ``choices``, else ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def is_list(value: object) -> TypeGuard[list[Any] | tuple[Any, ...]]:
    """``isinstance(value, (list, tuple))``, its items typed ``Any`` (user input)."""
    return isinstance(value, (list, tuple))


def is_tuple(value: object) -> TypeGuard[tuple[Any, ...]]:
    """``isinstance(value, tuple)``, its items typed ``Any`` (user input)."""
    return isinstance(value, tuple)


def is_sequence(value: object) -> TypeGuard[Sequence[Any]]:
    """``isinstance(value, Sequence)``, its items typed ``Any`` (user input)."""
    return isinstance(value, Sequence)


def untyped(value: object) -> object:
    """``value`` as an untyped caller may pass it, whatever its annotation says.

    Public entry points check their arguments at runtime for callers that no type
    checker sees; the annotation tells a checker the check always passes (pyright's
    "unnecessary isinstance"). ``isinstance(untyped(x), T)`` keeps the check and says why.
    """
    return value


def is_mapping(value: object) -> TypeGuard[Mapping[Any, Any]]:
    """``isinstance(value, Mapping)``, its keys and values typed ``Any`` (user input)."""
    return isinstance(value, Mapping)


def _describe(value: Any) -> str:
    return f"{value!r} ({type(value).__name__})"


def _is_int(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, Integral)


def integral(value: Any) -> Any:
    """A finite float with an integral value as that int (``10.0`` -> ``10``); else as is."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


#: The longest length, and the latest step position, a schedule's parameters may give:
#: integers are exact in float64 (the tensor path's step dtype) up to it, so both paths
#: can honour every accepted value.
MAX_STEPS = 2**53

#: The shortest time scale (``every``, a ``stretch`` factor): one a float32 tensor still
#: holds as a normal number, so no tensor step divided by it turns 0 / 0 into NaN.
MIN_SCALE = 2.0**-24


def check_int(name: str, value: Any, *, low: float = -math.inf, high: float = math.inf) -> int:
    """An int in ``[low, high]`` (a float with an integral value is accepted)."""
    value = integral(value)
    what = "a positive int" if low == 1 else "an int >= 0" if low == 0 else "an int"
    if not _is_int(value):
        raise ParameterTypeError(name, f"{name} must be {what}, got {_describe(value)}")
    if value < low:
        raise ParameterValueError(name, f"{name} must be {what}, got {value!r}")
    if value > high:
        limit = "2**53" if high == MAX_STEPS else repr(high)
        raise ParameterValueError(name, f"{name} must be <= {limit}, got {value!r}")
    return int(value)


def check_period(name: str, value: Any) -> Any:
    """A number of steps that must be at least 1 (a period, a cycle, a step interval).

    A floating-point tensor passes unchecked, as for :func:`check_length`.
    """
    if isinstance(value, torch.Tensor) and value.is_floating_point():
        return value
    return check_int(name, value, low=1, high=MAX_STEPS)


def check_length(name: str, value: Any) -> Any:
    """A phase length: an int >= 0 (a float with an integral value is accepted).

    A length of 0 is a phase that takes no steps (``warmup(0)`` in a ``chain``). A
    floating-point tensor passes unchecked (a length swept with ``vmap`` or
    differentiated with ``torch.func.grad``).
    """
    if isinstance(value, torch.Tensor) and value.is_floating_point():
        return value
    return check_nonnegative_int(name, value)


def check_every(name: str, value: Any) -> Any:
    """A positive real interval of updates, in ``[MIN_SCALE, MAX_STEPS]``; an integral
    float becomes an int."""
    return integral(check_time_scale(name, value))


def check_total(name: str, length: float, value: Any) -> int:
    """The whole number of steps of a derived ``length``; ``name`` (whose ``value`` made
    it) is blamed when it passes :data:`MAX_STEPS`."""
    if not length <= MAX_STEPS:  # inf and NaN fail too
        raise ParameterValueError(
            name, f"{name}={value!r} makes the schedule longer than 2**53 steps"
        )
    return math.ceil(length)


def check_time_scale(name: str, value: Any) -> Any:
    """A real factor of time in ``[MIN_SCALE, MAX_STEPS]`` (``2**-24`` to ``2**53``)."""
    value = check_positive(name, value)
    if not isinstance(value, torch.Tensor) and not MIN_SCALE <= value <= MAX_STEPS:
        raise ParameterValueError(
            name, f"{name} must be in [2**-24, 2**53] (a scale of time), got {value!r}"
        )
    return value


def check_nonnegative_int(name: str, value: Any) -> int:
    """A step count or position that may be 0 (at most :data:`MAX_STEPS`)."""
    return check_int(name, value, low=0, high=MAX_STEPS)


def check_real(
    name: str,
    value: Any,
    *,
    low: float = -math.inf,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = False,
) -> Any:
    """A finite real number in a range; returned as float. Tensors pass unchecked."""
    if isinstance(value, torch.Tensor):
        if not value.is_floating_point():
            raise ParameterTypeError(
                name, f"{name} must be a floating-point tensor, got dtype {value.dtype}"
            )
        return value
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ParameterTypeError(name, f"{name} must be a real number, got {_describe(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise ParameterValueError(name, f"{name} must be finite, got {value!r}")
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if too_low or too_high:
        raise ParameterValueError(
            name, f"{name} must be {_range(low, high, low_open, high_open)}, got {value!r}"
        )
    return value


def _range(low: float, high: float, low_open: bool, high_open: bool) -> str:
    """``in [0, 1)``, ``> 0``, ``<= 1``: the range as a reader says it."""
    if math.isinf(high):
        return f"{'>' if low_open else '>='} {low:g}"
    if math.isinf(low):
        return f"{'<' if high_open else '<='} {high:g}"
    left, right = "(" if low_open else "[", ")" if high_open else "]"
    return f"in {left}{low:g}, {high:g}{right}"


def check_factor(name: str, value: Any) -> Any:
    """A factor of ``base_lr``: a finite real number >= 0."""
    return check_real(name, value, low=0.0)


def check_positive(name: str, value: Any) -> Any:
    """A finite real number > 0."""
    return check_real(name, value, low=0.0, low_open=True)


def check_boundaries(name: str, values: Any, *, allow_zero: bool = False) -> tuple[int, ...]:
    """Strictly increasing step boundaries, each a positive int (or >= 0 if allowed)."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ParameterTypeError(
            name, f"{name} must be a sequence of ints, got {_describe(values)}"
        )
    check = check_nonnegative_int if allow_zero else check_period
    result = tuple(check(f"{name}[{i}]", v) for i, v in enumerate(cast(Iterable[Any], values)))
    for i in range(1, len(result)):
        if result[i] <= result[i - 1]:
            raise ParameterValueError(
                f"{name}[{i}]",
                f"{name} must be strictly increasing, got {name}[{i - 1}]={result[i - 1]} "
                f"and {name}[{i}]={result[i]} in {list(result)}",
            )
    return result


def check_choice(name: str, value: Any, choices: Iterable[str]) -> str:
    """One of a fixed set of names."""
    options = tuple(choices)
    if value not in options:
        raise ParameterValueError(
            name, f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}"
        )
    return str(value)


_LARGEST_FLOAT = int(sys.float_info.max)


def check_step(step: Any) -> float | int:
    """A step on the number path: a finite real number >= 0."""
    if isinstance(step, bool) or not isinstance(step, Real):
        raise ParameterTypeError(
            "step", f"step must be an int, a float or a tensor, got {_describe(step)}"
        )
    # An int past float range (10**400) is no step a schedule can hold at: say so plainly.
    too_big = isinstance(step, int) and step > _LARGEST_FLOAT
    if too_big or not math.isfinite(step) or step < 0:
        raise ParameterValueError("step", f"step must be finite and >= 0, got {step!r}")
    # As the equal Python number: a numpy uint32 step would wrap around in ``step - by``.
    return int(step) if isinstance(step, Integral) else float(step)


def check_base_lr(base_lr: Any) -> Any:
    """``base_lr`` on the number path: a finite real number >= 0 (tensors pass)."""
    if isinstance(base_lr, torch.Tensor):
        return base_lr
    return check_real("base_lr", base_lr, low=0.0)


# -- checks declared on the fields ---------------------------------------------------------
# A schedule declares each parameter's check in its dataclass field's metadata:
#
#     steps: int = field(metadata=LENGTH)
#     end: float = field(default=0.0, metadata=FACTOR)
#
# and ``Schedule.__post_init__`` runs them all (``run_checks``), storing what each returns
# (the normalised value). A check is ``check(name, value) -> value``; rules that relate two
# fields stay explicit code in the schedule's ``check`` method.

Check = Callable[[str, Any], Any]


def checked(check: Check, *, steps: bool = False) -> Mapping[str, Any]:
    """Field metadata that declares ``check`` for the field.

    ``steps=True`` says the field counts optimizer updates (a length, a position, an
    interval), so it may also be given as a fraction of training (:class:`lrfunc.frac`).
    """
    return MappingProxyType({"check": check, "steps": steps})


def counts_steps(field: dataclasses.Field[Any]) -> bool:
    """Whether a field counts optimizer updates (declared with ``checked(..., steps=True)``)."""
    return bool(field.metadata.get("steps", False))


def optional(check: Check) -> Check:
    """``check``, or ``None`` as it is (an optional parameter)."""

    def check_optional(name: str, value: Any) -> Any:
        return None if value is None else check(name, value)

    return check_optional


def real(
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> Check:
    """A finite real number in ``[low, high]`` (ends open when asked); tensors pass."""

    def check_real_in(name: str, value: Any) -> Any:
        return check_real(name, value, low=low, high=high, low_open=low_open, high_open=high_open)

    return check_real_in


def choice(*options: str) -> Check:
    """One of ``options``."""

    def check_choice_of(name: str, value: Any) -> str:
        return check_choice(name, value, options)

    return check_choice_of


def check_bool(name: str, value: Any) -> bool:
    """``True`` or ``False`` (not 0 or 1)."""
    if not isinstance(value, bool):
        raise ParameterTypeError(name, f"{name} must be a bool, got {_describe(value)}")
    return value


def check_schedule(name: str, value: Any) -> Any:
    """A :class:`~lrfunc.Schedule`."""
    from ._schedule import Schedule

    if not isinstance(value, Schedule):
        raise ParameterTypeError(name, f"{name} must be a Schedule, got {_describe(value)}")
    return value


def check_finite_schedule(name: str, value: Any) -> Any:
    """A :class:`~lrfunc.Schedule` with a length (``steps`` is an int)."""
    check_schedule(name, value)
    if not isinstance(value.steps, int):
        raise ParameterValueError(
            name,
            f"{name} must be a finite schedule (steps is an int), got {value!r}: "
            "a combinator that stretches or repeats it needs a finite schedule",
        )
    return value


def check_schedules(name: str, values: Any) -> tuple[Any, ...]:
    """A sequence of schedules, as a tuple."""
    return tuple(check_schedule(f"{name}[{i}]", v) for i, v in enumerate(values))


def check_factors(name: str, values: Any) -> tuple[Any, ...]:
    """A sequence of factors (each a finite real ``>= 0``), as a tuple."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ParameterTypeError(name, f"{name} must be a sequence of numbers, got {values!r}")
    return tuple(check_factor(f"{name}[{i}]", v) for i, v in enumerate(cast(Iterable[Any], values)))


def check_python_number(check: Check) -> Check:
    """``check``, refusing tensors: the value fixes structure (cycle lengths) at construction."""

    def check_number(name: str, value: Any) -> Any:
        if isinstance(value, torch.Tensor):
            raise ParameterTypeError(
                name, f"{name} must be a Python number (it sets the cycle lengths), got a tensor"
            )
        return check(name, value)

    return check_number


LENGTH = checked(check_length, steps=True)
PERIOD = checked(check_period, steps=True)
NONNEGATIVE_INT = checked(check_nonnegative_int, steps=True)
FACTOR = checked(check_factor)
POSITIVE = checked(check_positive)
BOOL = checked(check_bool)
SCHEDULE = checked(check_schedule)
FINITE_SCHEDULE = checked(check_finite_schedule)
SCHEDULES = checked(check_schedules)
FACTORS = checked(check_factors)
BOUNDARIES = checked(check_boundaries, steps=True)


def run_checks(obj: Any) -> None:
    """Run the checks declared on ``obj``'s dataclass fields; store what they return."""
    for field in dataclasses.fields(obj):
        check = field.metadata.get("check")
        if check is not None:
            object.__setattr__(obj, field.name, check(field.name, getattr(obj, field.name)))
