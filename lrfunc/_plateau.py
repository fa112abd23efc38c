"""``plateau``: ReduceLROnPlateau as a pure update of a small tensor state.

The schedule depends on a metric, not only on the step, so it is not a ``Schedule``:
it is a frozen configuration (:class:`plateau`), a state of a few tensors
(:func:`plateau_init`) and a pure function that returns the next state
(:func:`plateau_update`). The update is branch-free (``torch.where``): no host sync, the
same graph for every metric value, usable inside ``torch.compile(fullgraph=True)``. The
state is a dict of tensors, so it fits a ``state_dict`` and resumes exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any, ClassVar

import torch
from torch import Tensor

from ._schedule import Schedule
from ._typed_torch import broadcast_shapes
from ._validate import check_choice, check_nonnegative_int, check_real, untyped

__all__ = ["plateau", "plateau_init", "plateau_update"]

PlateauState = dict[str, Tensor]


@dataclass(frozen=True, repr=False)
class plateau:
    """The configuration of a metric-driven decay with torch's ``ReduceLROnPlateau``
    semantics; drive it with :func:`plateau_init` and :func:`plateau_update`.

    After each metric: an improvement (``metric < best * (1 - threshold)`` in mode
    ``"min"``/``"rel"``; ``best - threshold`` with ``"abs"``; mirrored for ``"max"``)
    resets the count of bad updates, else it grows; during a cooldown bad updates are not
    counted; when the count exceeds ``patience`` the LR is multiplied by ``factor`` (not
    below ``min_lr``, and only when it drops by more than ``eps``), the count resets and
    a cooldown of ``cooldown`` updates starts.

    .. math:: \\mathrm{lr}_{t+1} = \\begin{cases} \\max(\\gamma \\, \\mathrm{lr}_t,
        \\mathrm{lr}_{\\min}) & \\text{if bad}_t > \\text{patience and the drop}
        > \\epsilon \\\\ \\mathrm{lr}_t & \\text{otherwise} \\end{cases}

    Args:
        mode: ``"min"`` (lower metric is better) or ``"max"``.
        factor: multiplier of each reduction, in ``[0, 1)``.
        patience: bad updates tolerated before a reduction (``>= 0``).
        threshold: what counts as an improvement (``>= 0``).
        threshold_mode: ``"rel"`` or ``"abs"``.
        cooldown: updates after a reduction during which bad updates are not counted.
        min_lr: absolute floor on the LR, one number or one per param group.
        eps: smallest absolute LR change that is applied (``>= 0``).

    Examples:
        >>> import torch, lrfunc as lf
        >>> cfg = lf.plateau(patience=1, factor=0.5)
        >>> state = lf.plateau_init(cfg)
        >>> for loss in [1.0, 0.9, 0.95, 0.95, 0.95]:
        ...     state = lf.plateau_update(state, loss, cfg)
        >>> state["factor"]
        tensor(0.5000, dtype=torch.float64)
    """

    mode: str = "min"
    _: KW_ONLY
    factor: float = 0.1
    patience: int = 10
    threshold: float = 1e-4
    threshold_mode: str = "rel"
    cooldown: int = 0
    min_lr: float | tuple[float, ...] = 0.0
    eps: float = 1e-8

    _varargs: ClassVar[str | None] = None
    __repr__ = Schedule.__repr__

    def __post_init__(self) -> None:
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        put("mode", check_choice("mode", self.mode, ("min", "max")))
        put("factor", check_real("factor", self.factor, low=0.0, high=1.0, high_open=True))
        put("patience", check_nonnegative_int("patience", self.patience))
        put("threshold", check_real("threshold", self.threshold, low=0.0))
        put("threshold_mode", check_choice("threshold_mode", self.threshold_mode, ("rel", "abs")))
        put("cooldown", check_nonnegative_int("cooldown", self.cooldown))
        if isinstance(self.min_lr, Sequence) and not isinstance(self.min_lr, str):
            lows = tuple(check_real(f"min_lr[{i}]", v, low=0.0) for i, v in enumerate(self.min_lr))
            if not lows:
                raise ValueError("min_lr must be a number or a non-empty sequence, got []")
            put("min_lr", lows)
        else:
            put("min_lr", check_real("min_lr", self.min_lr, low=0.0))
        put("eps", check_real("eps", self.eps, low=0.0))

    def init(self, base_lr: Any = 1.0, **kwargs: Any) -> PlateauState:
        """``plateau_init(self, base_lr, **kwargs)``."""
        return plateau_init(self, base_lr, **kwargs)

    def update(self, state: PlateauState, metric: Any, base_lr: Any = 1.0) -> PlateauState:
        """``plateau_update(state, metric, self, base_lr)``."""
        return plateau_update(state, metric, self, base_lr)


def plateau_init(
    config: plateau,
    base_lr: Any = 1.0,
    *,
    device: torch.device | str | None = None,
    dtype: torch.dtype = torch.float64,
) -> PlateauState:
    """The state before the first metric: no best yet, no bad updates, factor 1.

    Args:
        config: the :class:`plateau` configuration.
        base_lr: the base LR(s) the factor multiplies (a number, a sequence with one per
            param group, or a tensor); it sets the shape of ``state["factor"]``.
        device: where the state lives (default: ``base_lr``'s device, else the CPU).
        dtype: the floating dtype of ``best`` and ``factor`` (float64 matches torch's
            Python-float arithmetic).

    Returns:
        ``{"best", "num_bad", "cooldown_counter", "factor"}``: tensors; ``best`` is
        ``inf`` (mode ``"min"``) or ``-inf``, the counters are int64 zeros, ``factor``
        ones with the shape of ``base_lr`` broadcast with ``min_lr``.

    Examples:
        >>> import lrfunc as lf
        >>> lf.plateau_init(lf.plateau(), [0.1, 0.01])["factor"]
        tensor([1., 1.], dtype=torch.float64)
    """
    if not isinstance(untyped(config), plateau):
        raise TypeError(f"config must be a plateau, got {config!r}")
    if device is None and isinstance(base_lr, Tensor):
        device = base_lr.device
    base = torch.as_tensor(base_lr, dtype=dtype, device=device)
    low = torch.as_tensor(config.min_lr, dtype=dtype, device=device)
    shape = broadcast_shapes(base.shape, low.shape)
    worst = math.inf if config.mode == "min" else -math.inf
    return {
        "best": torch.tensor(worst, dtype=dtype, device=device),
        "num_bad": torch.zeros((), dtype=torch.int64, device=device),
        "cooldown_counter": torch.zeros((), dtype=torch.int64, device=device),
        "factor": torch.ones(shape, dtype=dtype, device=device),
    }


def plateau_update(
    state: PlateauState, metric: Any, config: plateau, base_lr: Any = 1.0
) -> PlateauState:
    """The state after one more metric value (torch's ``ReduceLROnPlateau.step(metric)``).

    Pure and branch-free: a new dict of tensors comes back, nothing is mutated, nothing
    is read back to the host. The LR of group ``g`` is ``base_lr[g] * state["factor"][g]``.

    Args:
        state: from :func:`plateau_init` or a previous update.
        metric: a number or a 0-d tensor (a NaN metric counts as no improvement).
        config: the :class:`plateau` configuration.
        base_lr: the base LR(s), as given to :func:`plateau_init`; ``min_lr`` and ``eps``
            are absolute LRs, compared with ``base_lr * factor``.

    Returns:
        The next state.

    Examples:
        >>> import lrfunc as lf
        >>> cfg = lf.plateau(patience=0, factor=0.5, min_lr=0.03)
        >>> state = lf.plateau_init(cfg, 0.1)
        >>> for loss in [1.0, 2.0, 2.0, 2.0]:
        ...     state = lf.plateau_update(state, loss, cfg, 0.1)
        >>> round(0.1 * state["factor"].item(), 12)
        0.03
    """
    best, factor = state["best"], state["factor"]
    if isinstance(metric, Tensor):
        if metric.numel() != 1:  # a shape, not a value: known without a sync
            raise ValueError(
                f"metric must be a number or a one-element tensor, got a tensor of shape "
                f"{list(metric.shape)} (reduce it first, e.g. metric.mean())"
            )
        value = metric.detach().reshape(()).to(device=best.device, dtype=best.dtype)
    else:  # straight to best's dtype: a Python float must not pass through float32
        value = torch.tensor(float(metric), dtype=best.dtype, device=best.device)
    thr = config.threshold
    if config.mode == "min":
        bar = best * (1.0 - thr) if config.threshold_mode == "rel" else best - thr
        better = value < bar
    else:
        bar = best * (1.0 + thr) if config.threshold_mode == "rel" else best + thr
        better = value > bar
    best = torch.where(better, value, best)
    num_bad = torch.where(better, 0, state["num_bad"] + 1)
    counter = state["cooldown_counter"]
    cooling = counter > 0
    counter = torch.where(cooling, counter - 1, counter)
    num_bad = torch.where(cooling, 0, num_bad)
    reduce = num_bad > config.patience

    base = torch.as_tensor(base_lr, dtype=factor.dtype, device=factor.device)
    low = torch.as_tensor(config.min_lr, dtype=factor.dtype, device=factor.device)
    old_lr = base * factor
    new_lr = torch.maximum(old_lr * config.factor, low)
    apply = reduce & (old_lr - new_lr > config.eps)
    safe = torch.where(base > 0, base, torch.ones_like(base))
    factor = torch.where(apply, new_lr / safe, factor)
    return {
        "best": best,
        "num_bad": torch.where(reduce, 0, num_bad),
        "cooldown_counter": torch.where(reduce, config.cooldown, counter),
        "factor": factor,
    }
