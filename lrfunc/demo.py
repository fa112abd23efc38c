"""``make demo``: train a small MLP with the schedule computed inside a compiled step.

The whole training step (forward, gradients, SGD-with-momentum update, and the learning
rate ``sched(step, base_lr)`` from a tensor step counter) is one ``torch.compile``'d
function. The step is a 0-dim tensor, so later steps change its value, never the graph:
the demo counts graphs compiled after the first step (recompiles) and prints that count,
which must be 0. It ends with a terminal plot of the LR curve and, when matplotlib is
importable, a PNG of it.

Run ``python -m lrfunc.demo --help`` for the options.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor

import lrfunc as lf
from lrfunc._textplot import text_plot
from lrfunc._typed_torch import compile as compile_typed
from lrfunc._typed_torch import manual_seed, tolist

__all__ = ["DemoResult", "main", "make_schedule", "train"]

Params = dict[str, Tensor]


@dataclass
class DemoResult:
    """What a demo run measured: the LR and loss of every step, and the graph counts."""

    schedule: lf.Schedule
    base_lr: float
    lrs: list[float] = field(default_factory=list[float])
    losses: list[float] = field(default_factory=list[float])
    graphs_at_warmup: int = 0
    graphs_total: int = 0
    seconds: float = 0.0

    @property
    def recompiles(self) -> int:
        """Graphs compiled after the first (warm-up) step."""
        return self.graphs_total - self.graphs_at_warmup


def make_schedule(steps: int, warmup: int, kind: str = "cosine") -> lf.Schedule:
    """Linear warmup for ``warmup`` steps, then cosine down to 10% over the rest; or
    (``kind="wsd"``) warmup, a stable phase, and a linear cooldown over the last 20%."""
    if kind == "wsd":
        cooldown = max(steps // 5, 1)
        stable = lf.constant(1.0, steps=max(steps - warmup - cooldown, 1))
        return lf.chain(lf.warmup(warmup), stable, lf.linear(cooldown, end=0.0))
    return lf.chain(lf.warmup(warmup), lf.cosine(steps - warmup, end=0.1))


class CountingBackend:
    """A ``torch.compile`` backend that counts the graphs it is asked to compile."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.graphs = 0

    def __call__(self, gm: torch.fx.GraphModule, example_inputs: list[Tensor]) -> Any:
        self.graphs += 1
        from torch._dynamo import lookup_backend

        return lookup_backend(self.backend)(gm, example_inputs)


def _init_params(generator: torch.Generator, features: int, hidden: int) -> Params:
    def uniform(*shape: int, fan_in: int) -> Tensor:
        bound = 1.0 / math.sqrt(fan_in)
        return (torch.rand(*shape, generator=generator) * 2 - 1) * bound

    return {
        "w1": uniform(hidden, features, fan_in=features),
        "b1": uniform(hidden, fan_in=features),
        "w2": uniform(1, hidden, fan_in=hidden),
        "b2": uniform(1, fan_in=hidden),
    }


def _loss(params: Params, x: Tensor, y: Tensor) -> Tensor:
    hidden = torch.relu(x @ params["w1"].T + params["b1"])
    pred = hidden @ params["w2"].T + params["b2"]
    return torch.mean((pred.squeeze(-1) - y) ** 2)


def _make_train_step(
    sched: lf.Schedule, base_lr: float, momentum: float
) -> Callable[..., tuple[Params, Params, Tensor, Tensor, Tensor]]:
    def train_step(
        params: Params, velocity: Params, step: Tensor, x: Tensor, y: Tensor
    ) -> tuple[Params, Params, Tensor, Tensor, Tensor]:
        lr = sched(step, base_lr)  # the schedule, inside the compiled region
        grads, loss = torch.func.grad_and_value(_loss)(params, x, y)
        new_velocity = {k: momentum * velocity[k] + grads[k] for k in params}
        new_params = {k: params[k] - lr * new_velocity[k] for k in params}
        return new_params, new_velocity, step + 1, lr, loss

    return train_step


def train(
    *,
    steps: int = 300,
    warmup: int = 30,
    schedule: str = "cosine",
    base_lr: float = 0.1,
    momentum: float = 0.9,
    samples: int = 2048,
    batch: int = 128,
    features: int = 16,
    hidden: int = 64,
    seed: int = 0,
    log_every: int = 25,
    backend: str = "inductor",
    print_fn: Callable[[str], None] = print,
) -> DemoResult:
    """Train the demo MLP on seeded synthetic regression data; see the module docstring."""
    sched = make_schedule(steps, warmup, schedule)
    generator = torch.Generator().manual_seed(seed)
    x_all = torch.randn(samples, features, generator=generator)
    teacher = torch.randn(features, generator=generator)
    y_all = torch.sin(x_all @ teacher / math.sqrt(features)) + 0.05 * torch.randn(
        samples, generator=generator
    )
    params = _init_params(generator, features, hidden)
    velocity = {k: torch.zeros_like(v) for k, v in params.items()}
    step = torch.tensor(0, dtype=torch.int64)

    counter = CountingBackend(backend)
    train_step = compile_typed(
        _make_train_step(sched, base_lr, momentum), backend=counter, fullgraph=True
    )
    result = DemoResult(schedule=sched, base_lr=base_lr)
    print_fn(f"schedule: {sched!r}  (base_lr={base_lr}, {steps} steps, backend={backend})")
    start = time.perf_counter()
    lrs: list[Tensor] = []
    losses: list[Tensor] = []
    batches = samples // batch
    for k in range(steps):
        i = (k % batches) * batch
        x, y = x_all[i : i + batch], y_all[i : i + batch]
        params, velocity, step, lr, loss = train_step(params, velocity, step, x, y)
        lrs.append(lr)
        losses.append(loss)
        if k == 0:
            result.graphs_at_warmup = counter.graphs
            print_fn(f"compiled the training step in {time.perf_counter() - start:.1f} s")
        if k % log_every == 0 or k == steps - 1:
            print_fn(f"step {k:>5}  lr {lr.item():.3e}  loss {loss.item():.4f}")
    result.graphs_total = counter.graphs
    result.seconds = time.perf_counter() - start
    result.lrs = tolist(torch.stack(lrs))
    result.losses = tolist(torch.stack(losses))
    print_fn(
        f"graphs compiled: {result.graphs_total} ({result.graphs_at_warmup} at warm-up); "
        f"recompiles after warm-up: {result.recompiles}"
    )
    return result


def _write_png(result: DemoResult, path: str, print_fn: Callable[[str], None]) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print_fn("matplotlib not installed: no PNG (pip install 'lrfunc[plot]')")
        return
    fig: Any  # matplotlib's stubs leave savefig's **kwargs untyped (unknown)
    fig, (ax_lr, ax_loss) = plt.subplots(2, 1, figsize=(7, 5), sharex=True)
    ax_lr.plot(result.lrs)
    ax_lr.set_ylabel("learning rate")
    ax_lr.set_title(repr(result.schedule), fontsize=8)
    ax_loss.plot(result.losses)
    ax_loss.set_ylabel("loss")
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("step")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print_fn(f"wrote {path}")


def main(argv: Sequence[str] | None = None, print_fn: Callable[[str], None] = print) -> DemoResult:
    """Run the demo from the command line; returns what it measured."""
    parser = argparse.ArgumentParser(prog="python -m lrfunc.demo", description=__doc__)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--schedule", choices=("cosine", "wsd"), default="cosine")
    parser.add_argument("--base-lr", type=float, default=0.1)
    parser.add_argument("--samples", type=int, default=2048)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--log-every", type=int, default=25)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--backend", default="inductor", help="torch.compile backend")
    parser.add_argument("--png", default="lrfunc_demo.png", help="PNG path ('' for none)")
    args = parser.parse_args(argv)
    manual_seed(args.seed)
    result = train(
        steps=args.steps,
        warmup=args.warmup,
        schedule=args.schedule,
        base_lr=args.base_lr,
        samples=args.samples,
        batch=args.batch,
        hidden=args.hidden,
        seed=args.seed,
        log_every=args.log_every,
        backend=args.backend,
        print_fn=print_fn,
    )
    print_fn(f"{args.steps} steps in {result.seconds:.1f} s (compile included)")
    print_fn("learning rate per step:")
    print_fn(text_plot(result.lrs, last_step=args.steps - 1))
    if args.png:
        _write_png(result, args.png, print_fn)
    return result


if __name__ == "__main__":
    main()
