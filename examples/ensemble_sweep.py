"""An LR sweep as an ensemble: N copies of a model trained in ONE vmapped step.

Each member has its own peak learning rate; all follow one schedule (warmup + cosine),
evaluated inside the vmapped step from a tensor step: ``sched(step, peak)`` with ``peak``
the member's slice of a tensor of peaks. The members start from the same weights and see
the same batches, so they differ only by their LR.

Run: ``python examples/ensemble_sweep.py [--members 6 --steps 200 --compile]``
"""

from __future__ import annotations

import argparse
import copy
from dataclasses import dataclass

import torch
from torch import Tensor, nn
from torch.func import functional_call, grad_and_value, stack_module_state, vmap

import lrfunc as lf

__all__ = ["SweepResult", "main", "make_model", "make_schedule", "sweep", "train_one"]


@dataclass
class SweepResult:
    peaks: Tensor  # (members,)
    lrs: Tensor  # (steps, members): the lr each member used at each step
    losses: Tensor  # (steps, members)
    params: dict[str, Tensor]  # stacked final parameters, leading dim = member
    init: dict[str, Tensor]  # stacked initial parameters


def make_schedule(steps: int) -> lf.Schedule:
    warmup = max(steps // 10, 1)
    return lf.chain(lf.warmup(warmup), lf.cosine(steps - warmup, end=0.05))


def make_model(features: int, hidden: int, seed: int) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(features, hidden), nn.Tanh(), nn.Linear(hidden, 1))


def make_data(samples: int, features: int, seed: int) -> tuple[Tensor, Tensor]:
    generator = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(samples, features, generator=generator)
    w = torch.randn(features, 1, generator=generator) / features**0.5
    return x, torch.sin(3 * x @ w)


def sweep(
    peaks: list[float],
    *,
    steps: int = 200,
    features: int = 8,
    hidden: int = 32,
    samples: int = 256,
    batch: int = 32,
    seed: int = 0,
    compile: bool = False,
) -> SweepResult:
    """Train ``len(peaks)`` members in one vmapped step; member i peaks at ``peaks[i]``."""
    sched = make_schedule(steps)
    base = make_model(features, hidden, seed)
    members = [copy.deepcopy(base) for _ in peaks]
    params, buffers = stack_module_state(members)  # type: ignore[arg-type]
    params = {k: v.detach() for k, v in params.items()}
    init = {k: v.clone() for k, v in params.items()}
    skeleton = copy.deepcopy(base).to("meta")
    x_all, y_all = make_data(samples, features, seed)

    def loss_fn(p: dict[str, Tensor], b: dict[str, Tensor], x: Tensor, y: Tensor) -> Tensor:
        return nn.functional.mse_loss(functional_call(skeleton, (p, b), (x,)), y)

    def member_step(
        p: dict[str, Tensor], b: dict[str, Tensor], peak: Tensor, step: Tensor, x: Tensor, y: Tensor
    ) -> tuple[dict[str, Tensor], Tensor, Tensor]:
        lr = sched(step, peak)  # one schedule, this member's peak
        grads, loss = grad_and_value(loss_fn)(p, b, x, y)
        return {k: v - lr * grads[k] for k, v in p.items()}, lr, loss

    train_step = vmap(member_step, in_dims=(0, 0, 0, None, None, None))
    if compile:
        train_step = torch.compile(train_step, fullgraph=True)
    peak_t = torch.tensor(peaks, dtype=torch.float32)
    step = torch.tensor(0, dtype=torch.int64)
    lrs, losses = [], []
    batches = samples // batch
    for k in range(steps):
        i = (k % batches) * batch
        params, lr, loss = train_step(
            params, buffers, peak_t, step, x_all[i : i + batch], y_all[i : i + batch]
        )
        step = step + 1
        lrs.append(lr)
        losses.append(loss)
    return SweepResult(peak_t, torch.stack(lrs), torch.stack(losses), params, init)


def train_one(
    peak: float,
    *,
    steps: int = 200,
    features: int = 8,
    hidden: int = 32,
    samples: int = 256,
    batch: int = 32,
    seed: int = 0,
) -> dict[str, Tensor]:
    """The reference: one member trained alone with plain autograd and a Python step."""
    sched = make_schedule(steps)
    model = make_model(features, hidden, seed)
    x_all, y_all = make_data(samples, features, seed)
    batches = samples // batch
    for k in range(steps):
        i = (k % batches) * batch
        model.zero_grad()
        loss = nn.functional.mse_loss(model(x_all[i : i + batch]), y_all[i : i + batch])
        loss.backward()
        lr = sched(k, peak)
        with torch.no_grad():
            for p in model.parameters():
                p -= lr * p.grad  # type: ignore[operator]
    return {k: v.detach() for k, v in model.named_parameters()}


def main(argv: list[str] | None = None) -> SweepResult:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=6)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--compile", action="store_true")
    args = parser.parse_args(argv)
    # Log-spaced peaks from 0.01 to 0.4.
    peaks = [0.01 * 40 ** (i / max(args.members - 1, 1)) for i in range(args.members)]
    result = sweep(peaks, steps=args.steps, compile=args.compile)
    print(f"schedule: {make_schedule(args.steps)!r}; one vmapped step trains {args.members}")
    print(f"{'peak lr':>10} {'first loss':>11} {'final loss':>11} {'lr at end':>10}")
    final = result.losses[-max(args.steps // 10, 1) :].mean(0)
    for i, peak in enumerate(peaks):
        print(
            f"{peak:>10.3g} {result.losses[0, i].item():>11.4f} {final[i].item():>11.4f} "
            f"{result.lrs[-1, i].item():>10.3g}"
        )
    return result


if __name__ == "__main__":
    main()
