"""Argument checks shared by every constructor.

Each check raises ``TypeError`` for a value of the wrong kind and ``ValueError`` for a
value out of range, with a message that names the parameter and shows the value. Tensor
parameters (for ``torch.func.vmap`` sweeps and ``torch.func.grad``) are accepted as they
are: checking them would need the host.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from numbers import Integral, Real
from typing import Any

import torch

__all__ = [
    "check_base_lr",
    "check_boundaries",
    "check_choice",
    "check_factor",
    "check_length",
    "check_nonnegative_int",
    "check_positive",
    "check_real",
    "check_step",
]


def _describe(value: Any) -> str:
    return f"{value!r} ({type(value).__name__})"


def _is_int(value: Any) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def check_length(name: str, value: Any) -> int:
    """A number of steps: a positive int (a float with an integral value is accepted)."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if not _is_int(value):
        raise TypeError(f"{name} must be a positive int, got {_describe(value)}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def check_nonnegative_int(name: str, value: Any) -> int:
    """A step count that may be 0."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if not _is_int(value):
        raise TypeError(f"{name} must be an int >= 0, got {_describe(value)}")
    if value < 0:
        raise ValueError(f"{name} must be an int >= 0, got {value!r}")
    return int(value)


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
            raise TypeError(f"{name} must be a floating-point tensor, got dtype {value.dtype}")
        return value
    if not isinstance(value, Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a real number, got {_describe(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if too_low or too_high:
        raise ValueError(f"{name} must be {_range(low, high, low_open, high_open)}, got {value!r}")
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
        raise TypeError(f"{name} must be a sequence of ints, got {_describe(values)}")
    check = check_nonnegative_int if allow_zero else check_length
    result = tuple(check(f"{name}[{i}]", v) for i, v in enumerate(values))  # type: ignore[arg-type]
    for i in range(1, len(result)):
        if result[i] <= result[i - 1]:
            raise ValueError(
                f"{name} must be strictly increasing, got {name}[{i - 1}]={result[i - 1]} "
                f"and {name}[{i}]={result[i]} in {list(result)}"
            )
    return result


def check_choice(name: str, value: Any, choices: Iterable[str]) -> str:
    """One of a fixed set of names."""
    options = tuple(choices)
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}")
    return str(value)


_LARGEST_FLOAT = int(sys.float_info.max)


def check_step(step: Any) -> float | int:
    """A step on the number path: a finite real number >= 0."""
    if not isinstance(step, Real) or isinstance(step, bool):
        raise TypeError(f"step must be an int, a float or a tensor, got {_describe(step)}")
    # An int past float range (10**400) is no step a schedule can hold at: say so plainly.
    too_big = isinstance(step, int) and step > _LARGEST_FLOAT
    if too_big or not math.isfinite(step) or step < 0:
        raise ValueError(f"step must be finite and >= 0, got {step!r}")
    return step  # type: ignore[return-value]


def check_base_lr(base_lr: Any) -> Any:
    """``base_lr`` on the number path: a finite real number >= 0 (tensors pass)."""
    if isinstance(base_lr, torch.Tensor):
        return base_lr
    return check_real("base_lr", base_lr, low=0.0)
