"""The ops shim for writing a schedule's formula once for both paths.

Each helper uses :mod:`math` when no argument is a tensor (a Python float comes out) and
branch-free torch ops otherwise (no host sync, any shape and device, traceable by
``torch.compile``). Non-linear helpers clamp their input first, so the branch a ``where``
discards never makes NaN values or NaN gradients.

Examples:
    >>> import torch
    >>> from lrfunc import ops
    >>> ops.where(3 < 5, 1.0, 2.0), ops.minimum(3.0, 5.0)
    (1.0, 3.0)
    >>> ops.where(torch.tensor([1.0, 9.0]) < 5, 1.0, 2.0)
    tensor([1., 2.], dtype=torch.float64)
"""

from ._ops import Tensor as Tensor
from ._ops import Value as Value
from ._ops import clamp as clamp
from ._ops import cos as cos
from ._ops import exp as exp
from ._ops import floor as floor
from ._ops import log as log
from ._ops import maximum as maximum
from ._ops import minimum as minimum
from ._ops import pow as pow
from ._ops import sqrt as sqrt
from ._ops import tanh as tanh
from ._ops import where as where

__all__ = [
    "Tensor",
    "Value",
    "clamp",
    "cos",
    "exp",
    "floor",
    "log",
    "maximum",
    "minimum",
    "pow",
    "sqrt",
    "tanh",
    "where",
]
