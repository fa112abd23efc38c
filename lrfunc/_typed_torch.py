"""Typed entry points to the few torch functions whose stubs leave their types unknown.

torch ships ``Tensor.tolist() -> list``, an unannotated ``broadcast_shapes`` and
``manual_seed``, ``torch.special`` functions without stubs and a ``compile`` whose
overloads mention bare ``Callable``; under pyright's strict mode every use of them is an
"unknown type" error. They are wrapped here, once, with the types they have at runtime, so
the rest of the package is checked strictly; this module alone turns the two "unknown"
rules off (its bodies are one call each).
"""

# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import torch
import torch.special
from torch import Tensor

_F = TypeVar("_F", bound=Callable[..., Any])


def tolist(t: Tensor) -> list[Any]:
    """``t.tolist()``: nested lists of Python numbers (a number for a 0-d tensor)."""
    return t.tolist()


def broadcast_shapes(*shapes: torch.Size | tuple[int, ...]) -> torch.Size:
    """``torch.broadcast_shapes``."""
    return torch.broadcast_shapes(*shapes)


def manual_seed(seed: int) -> torch.Generator:
    """``torch.manual_seed``."""
    return torch.manual_seed(seed)


def ndtr(x: Tensor) -> Tensor:
    """``torch.special.ndtr``."""
    return torch.special.ndtr(x)


def ndtri(p: Tensor) -> Tensor:
    """``torch.special.ndtri``."""
    return torch.special.ndtri(p)


def compile(fn: _F, **options: Any) -> _F:
    """``torch.compile(fn, **options)``: a callable with ``fn``'s signature."""
    return cast(_F, torch.compile(fn, **options))
