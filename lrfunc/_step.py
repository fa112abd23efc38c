"""The step convention, applied once at the entry of every evaluation.

``step`` is the number of optimizer updates already made. On the number path it must be
a finite real ``>= 0`` (else ``ValueError``) and a Python float comes out. On the tensor
path nothing is checked on the host: negative (and NaN) steps act as 0, integer steps are
widened to float64 so that no step up to 2**53 is rounded before the schedule's own
arithmetic, and the result takes ``base_lr``'s floating dtype when it is a tensor, else
the step's floating dtype, else torch's default dtype.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any

import torch

from ._ops import NUMBERS, Tensor, Value, wide_float
from ._realize import realized
from ._typed_torch import broadcast_shapes
from ._validate import MAX_STEPS, check_base_lr, check_step

__all__ = ["evaluate", "tensor_step"]

_LARGEST = sys.float_info.max  # NaN and inf fail ``0 <= step <= _LARGEST``, as does 10**400


def tensor_step(step: Tensor) -> Tensor:
    """The step as the schedules' arithmetic wants it: float, in ``[0, MAX_STEPS]``.

    Negative and NaN steps act as 0; larger ones (``inf`` included) as ``MAX_STEPS``
    (2**53), where every finite schedule holds its end and a periodic one is finite.
    """
    if not step.is_floating_point():
        # The widened copy is new, so it is clamped in place (no NaN in an integer step;
        # two calls: vmap has batching rules for clamp_min_/clamp_max_, not for clamp_).
        return step.to(wide_float(step.device)).clamp_min_(0).clamp_max_(MAX_STEPS)
    if step.dtype in (torch.float16, torch.bfloat16):
        # Too narrow to hold a schedule's lengths (float16 stops at 65504): widened to
        # float32, exactly; the result keeps the step's dtype (see _result_dtype).
        step = step.float()
    return torch.where(step >= 0, step, 0.0).clamp_max(MAX_STEPS)  # NaN >= 0 is False


def _result_dtype(step: Tensor, base_lr: Any) -> torch.dtype:
    if isinstance(base_lr, Tensor) and base_lr.is_floating_point():
        return base_lr.dtype
    if step.is_floating_point():
        return step.dtype
    return torch.get_default_dtype()


def evaluate(fn: Callable[[Value, Any], Value], step: Any, base_lr: Any) -> Any:
    """Apply the step convention around ``fn(step, base_lr)``, a schedule's formula."""
    if type(step) in NUMBERS and type(base_lr) in NUMBERS:
        # The number path's common case, with the checks below inlined (a hot loop calls
        # this). Anything else goes on to the checks, which raise.
        base = float(base_lr)
        if 0 <= step <= _LARGEST and base >= 0 and math.isfinite(base):
            out = fn(step, base)
            return out if type(out) is float or isinstance(out, Tensor) else float(out)
    if isinstance(step, Tensor):
        out = fn(tensor_step(step), base_lr)
        dtype = _result_dtype(step, base_lr)
        if not isinstance(out, Tensor):
            # A step-independent Python number: filled in its dtype (not rounded through
            # float32) with torch.full (torch.tensor would be a blocking copy on CUDA).
            return realized(torch.full(step.shape, out, dtype=dtype, device=step.device))
        out = out.to(device=step.device, dtype=dtype)
        shape = broadcast_shapes(step.shape, out.shape)
        return realized(out if out.shape == shape else out.expand(shape).clone())
    out = fn(check_step(step), check_base_lr(base_lr))
    return out if isinstance(out, Tensor) else float(out)
