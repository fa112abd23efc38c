"""Cost of computing the schedule inside a compiled training step, measured side by side.

Three variants of one ``torch.compile``'d training step (a small MLP, SGD with momentum,
functional: ``torch.func.grad_and_value``), timed interleaved after warm-up:

- ``lrfunc in graph``: ``lr = sched(step, base_lr)`` from a tensor step, inside the graph;
- ``constant lr``: the same step with a constant lr (the floor);
- ``constant tensor lr``: the lr passed in as a tensor that never changes (what any
  changing lr costs in the graph, schedule or not);
- ``torch scheduler``: ``SequentialLR(LinearLR, CosineAnnealingLR)`` stepped in Python
  outside the graph, its lr fed in through a tensor (``fill_``) each step.

Reported: the median time per step, the ratio to the constant-lr step with its spread,
and graphs compiled after warm-up (recompiles: the goal is 0). Also the compile time of
the schedule alone, and on CUDA (one 'skipped' row without): CUDA-graph replay of a whole
training step with the schedule vs with a constant lr, and the host syncs of one eager
step with the schedule.

Reproduce: ``python -m bench.bench_compile [--quick] [--gpu-only] [--reps N] [--block N]``.
"""

from __future__ import annotations

import argparse
import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import torch
from torch import Tensor, nn

import lrfunc as lf
from lrfunc.demo import CountingBackend

from ._timing import Row, format_seconds, interleaved, ratio

Params = dict[str, Tensor]
GOAL = 1.02

#: What limits the figures; written under the table by ``make bench``.
NOTES = [
    "Compiled train step (CPU, subnormals flushed): 'constant tensor lr' is the same graph "
    "with the lr passed in as a tensor that never changes, so lrfunc in graph / constant "
    "tensor lr is the schedule's own cost. Under torch.compile the schedule's value is "
    "stored once per step (lrfunc/_realize.py); before that, Inductor inlined the whole "
    "warmup + cosine (float64, std::cos) into each parameter's update loop and this ratio "
    "was 1.14x. On a 2-core CPU shared with other jobs single rounds are noisy (see the "
    "IQR); the CUDA-graph figure needs a GPU (scripts/gpu_check.sh).",
]


@dataclass(frozen=True)
class Config:
    backend: str = "inductor"
    features: int = 64
    hidden: int = 256
    batch: int = 256
    reps: int = 61  # timed rounds (cheap: ~1 ms a step; the effect sought is ~1%)
    block: int = 50  # steps per round and variant
    warmup: int = 20  # steps before timing (compiles)


QUICK = Config(backend="eager", features=8, hidden=16, batch=16, reps=3, block=3, warmup=2)


def make_schedule(steps: int) -> lf.Schedule:
    warmup = steps // 20
    return lf.chain(lf.warmup(warmup), lf.cosine(steps - warmup, end=0.1))


def torch_scheduler(steps: int, base_lr: float) -> tuple[torch.optim.Optimizer, Any]:
    warmup = steps // 20
    opt = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=base_lr)
    first = torch.optim.lr_scheduler.LinearLR(
        opt, start_factor=1.0 / (warmup + 1), end_factor=1.0, total_iters=warmup
    )
    second = torch.optim.lr_scheduler.CosineAnnealingLR(
        opt, T_max=steps - warmup, eta_min=0.1 * base_lr
    )
    sched = torch.optim.lr_scheduler.SequentialLR(opt, [first, second], milestones=[warmup])
    opt.step()  # a no-op (no grads); marks the optimizer as stepped, as in a real loop
    return opt, sched


def init_params(features: int, hidden: int, seed: int = 0) -> Params:
    g = torch.Generator().manual_seed(seed)
    return {
        "w1": torch.randn(hidden, features, generator=g) / math.sqrt(features),
        "b1": torch.zeros(hidden),
        "w2": torch.randn(hidden, hidden, generator=g) / math.sqrt(hidden),
        "b2": torch.zeros(hidden),
        "w3": torch.randn(1, hidden, generator=g) / math.sqrt(hidden),
        "b3": torch.zeros(1),
    }


def loss_fn(p: Params, x: Tensor, y: Tensor) -> Tensor:
    h = torch.relu(x @ p["w1"].T + p["b1"])
    h = torch.relu(h @ p["w2"].T + p["b2"])
    return torch.mean(((h @ p["w3"].T + p["b3"]).squeeze(-1) - y) ** 2)


def make_step(lr_of: Callable[[Tensor, Tensor], Any]) -> Callable[..., Any]:
    """A training step whose lr is ``lr_of(step, lr_in)``."""

    def train_step(
        params: Params, velocity: Params, step: Tensor, lr_in: Tensor, x: Tensor, y: Tensor
    ) -> tuple[Params, Params, Tensor, Tensor]:
        lr = lr_of(step, lr_in)
        grads, loss = torch.func.grad_and_value(loss_fn)(params, x, y)
        new_v = {k: 0.9 * velocity[k] + grads[k] for k in params}
        new_p = {k: params[k] - lr * new_v[k] for k in params}
        return new_p, new_v, step + 1, loss

    return train_step


class Variant:
    """One compiled training step and its state; ``self()`` runs one step."""

    def __init__(self, name: str, lr_of: Callable[[Tensor, Tensor], Any], cfg: Config) -> None:
        self.name = name
        self.backend = CountingBackend(cfg.backend)
        self.fn = torch.compile(make_step(lr_of), backend=self.backend, fullgraph=True)
        params = init_params(cfg.features, cfg.hidden)
        self.state = (params, {k: torch.zeros_like(t) for k, t in params.items()})
        self.step = torch.tensor(0, dtype=torch.int64)
        self.lr_in = torch.tensor(0.0)  # the lr fed in from outside the graph
        self.torch: tuple[torch.optim.Optimizer, Any] | None = None
        g = torch.Generator().manual_seed(1)
        self.x = torch.randn(cfg.batch, cfg.features, generator=g)
        self.y = torch.randn(cfg.batch, generator=g)

    def __call__(self) -> None:
        if self.torch is not None:
            self.lr_in.fill_(self.torch[0].param_groups[0]["lr"])
        p, vel, self.step, _loss = self.fn(*self.state, self.step, self.lr_in, self.x, self.y)
        self.state = (p, vel)
        if self.torch is not None:
            self.torch[1].step()


def cpu_rows(cfg: Config) -> list[Row]:
    # The variants train along different lr trajectories; subnormal floats in one of them
    # (a CPU slow path) would be timed as if the schedule cost it.
    flush = torch.set_flush_denormal(True)
    try:
        return _cpu_rows(cfg)
    finally:
        if flush:
            torch.set_flush_denormal(False)


def _cpu_rows(cfg: Config) -> list[Row]:
    total = 10_000
    base_lr = 0.05
    sched = make_schedule(total)
    lr_of: dict[str, Callable[[Tensor, Tensor], Any]] = {
        "lrfunc in graph": lambda s, lr_in: sched(s, base_lr),
        "constant lr": lambda s, lr_in: base_lr,
        "constant tensor lr": lambda s, lr_in: lr_in,
        "torch scheduler": lambda s, lr_in: lr_in,
    }
    variants: dict[str, Variant] = {}
    compile_s: dict[str, float] = {}
    graphs_warm: dict[str, int] = {}
    for name, f in lr_of.items():
        start = time.perf_counter()
        v = Variant(name, f, cfg)
        v.lr_in.fill_(base_lr)
        if name == "torch scheduler":
            v.torch = torch_scheduler(total, base_lr)
        for _ in range(cfg.warmup):  # compile and warm up
            v()
        compile_s[name] = time.perf_counter() - start
        graphs_warm[name] = v.backend.graphs
        variants[name] = v
    # warmup=0: each variant was warmed up (and compiled) above.
    t = interleaved(dict(variants), number=cfg.block, rounds=cfg.reps, warmup=0)
    bench = f"compiled train step ({cfg.backend}, hidden {cfg.hidden}, batch {cfg.batch})"
    floor = t["constant lr"]
    rows = [
        Row(
            bench,
            "constant lr, per step",
            format_seconds(floor.median),
            f"compile + warm-up {compile_s['constant lr']:.1f} s",
        )
    ]
    for name in ("lrfunc in graph", "constant tensor lr", "torch scheduler"):
        median, q1, q3 = ratio(t[name], floor)
        rows.append(
            Row(
                bench,
                f"{name} / constant lr",
                f"{median:.3f}x",
                f"IQR {q1:.3f}-{q3:.3f}; per step {format_seconds(t[name].median)}; "
                f"compile + warm-up {compile_s[name]:.1f} s",
                f"<= {GOAL}x" if name == "lrfunc in graph" else "",
                ("yes" if median <= GOAL else "no") if name == "lrfunc in graph" else "",
            )
        )
    median, q1, q3 = ratio(t["lrfunc in graph"], t["constant tensor lr"])
    rows.append(
        Row(
            bench,
            "lrfunc in graph / constant tensor lr",
            f"{median:.3f}x",
            f"IQR {q1:.3f}-{q3:.3f}; the schedule's own cost",
        )
    )
    recompiles = {name: v.backend.graphs - graphs_warm[name] for name, v in variants.items()}
    rows.append(
        Row(
            bench,
            "recompiles after warm-up",
            str(recompiles["lrfunc in graph"]),
            ", ".join(f"{name}: {n}" for name, n in recompiles.items()),
            "0",
            "yes" if recompiles["lrfunc in graph"] == 0 else "no",
        )
    )
    rows.append(
        Row(
            "compile time",
            "schedule alone (warmup + cosine, fullgraph)",
            f"{schedule_compile_time(cfg.backend):.2f} s",
            f"backend {cfg.backend}",
        )
    )
    return rows


def schedule_compile_time(backend: str) -> float:
    sched = lf.chain(lf.warmup(100), lf.cosine(9_900, end=0.1))

    def lr(step: Tensor) -> Tensor:
        return sched(step, 3e-4)

    torch._dynamo.reset()  # a cold compile, not a cache hit from an earlier graph
    start = time.perf_counter()
    torch.compile(lr, backend=backend, fullgraph=True)(torch.tensor(5))
    return time.perf_counter() - start


def _host_syncs(fn: Callable[[], None]) -> int:
    """Synchronizing CUDA calls made by ``fn()``, counted through torch's sync debug mode."""
    previous = torch.cuda.get_sync_debug_mode()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.cuda.set_sync_debug_mode("warn")
        try:
            fn()
        finally:
            torch.cuda.set_sync_debug_mode(previous)
    return sum("synchroniz" in str(w.message) for w in caught)


def gpu_rows(cfg: Config) -> list[Row]:
    bench = "CUDA graph replay of a train step"
    if not torch.cuda.is_available():
        return [Row(bench, "skipped: no CUDA", "-", "needs a CUDA device")]
    sched = make_schedule(10_000)
    base_lr = 1e-3
    graphs: dict[str, torch.cuda.CUDAGraph] = {}
    syncs = -1
    for name in ("lrfunc in graph", "constant lr"):
        torch.manual_seed(0)
        model = nn.Sequential(
            nn.Linear(cfg.features, cfg.hidden), nn.ReLU(), nn.Linear(cfg.hidden, 1)
        ).cuda()
        x = torch.randn(cfg.batch, cfg.features, device="cuda")
        y = torch.randn(cfg.batch, 1, device="cuda")
        opt = torch.optim.AdamW(
            model.parameters(), lr=torch.tensor(base_lr, device="cuda"), capturable=True
        )
        lr = opt.param_groups[0]["lr"]
        step = torch.zeros((), dtype=torch.int64, device="cuda")

        def train_step(
            name: str = name,
            model: nn.Module = model,
            opt: Any = opt,
            lr: Tensor = lr,
            step: Tensor = step,
            x: Tensor = x,
            y: Tensor = y,
        ) -> None:
            opt.zero_grad(set_to_none=True)
            nn.functional.mse_loss(model(x), y).backward()
            if name == "lrfunc in graph":
                lr.copy_(sched(step, base_lr))
            opt.step()
            step.add_(1)

        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):
                train_step()
        torch.cuda.current_stream().wait_stream(side)
        if name == "lrfunc in graph":
            torch.cuda.synchronize()
            syncs = _host_syncs(train_step)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            train_step()
        graphs[name] = graph

    def replays(graph: torch.cuda.CUDAGraph) -> Callable[[], None]:
        def block() -> None:
            for _ in range(cfg.block):
                graph.replay()
            torch.cuda.synchronize()

        return block

    t = interleaved(
        {name: replays(g) for name, g in graphs.items()}, number=1, rounds=cfg.reps, warmup=1
    )
    median, q1, q3 = ratio(t["lrfunc in graph"], t["constant lr"])
    per_step = {name: format_seconds(timing.median / cfg.block) for name, timing in t.items()}
    return [
        Row(
            bench,
            "lrfunc in graph / constant lr",
            f"{median:.3f}x",
            f"IQR {q1:.3f}-{q3:.3f}; per step {per_step['lrfunc in graph']} vs "
            f"{per_step['constant lr']}; {torch.cuda.get_device_name()}",
            f"<= {GOAL}x",
            "yes" if median <= GOAL else "no",
        ),
        Row(
            bench,
            "host syncs in one eager step with the schedule",
            str(syncs),
            "",
            "0",
            "yes" if syncs == 0 else "no",
        ),
    ]


def run(quick: bool = False, *, gpu_only: bool = False, config: Config | None = None) -> list[Row]:
    cfg = config or (QUICK if quick else Config())
    rows = [] if gpu_only else cpu_rows(cfg)
    rows += gpu_rows(cfg)
    torch._dynamo.reset()
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    parser.add_argument("--gpu-only", action="store_true", help="only the CUDA section")
    defaults = Config()
    parser.add_argument("--backend", default=None, help=f"default {defaults.backend}")
    for name in ("features", "hidden", "batch", "reps", "block", "warmup"):
        parser.add_argument(f"--{name}", type=int, default=None)
    args = parser.parse_args(argv)
    cfg = QUICK if args.quick else defaults
    given = {
        name: getattr(args, name)
        for name in ("backend", "features", "hidden", "batch", "reps", "block", "warmup")
        if getattr(args, name) is not None
    }
    cfg = replace(cfg, **given)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {cfg}")
    for row in run(args.quick, gpu_only=args.gpu_only, config=cfg):
        print(f"{row.benchmark:<52} {row.figure:<45} {row.value:>10}  {row.spread}  {row.met}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
