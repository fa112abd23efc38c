"""Cost of computing the schedule inside a compiled training step, measured side by side.

Three variants of one ``torch.compile``'d training step (a small MLP, SGD with momentum,
functional: ``torch.func.grad_and_value``), timed in interleaved blocks after warm-up:

- ``lrfunc in graph``: ``lr = sched(step, base_lr)`` from a tensor step, inside the graph;
- ``constant lr``: the same step with a constant lr (the floor);
- ``torch scheduler``: ``SequentialLR(LinearLR, CosineAnnealingLR)`` stepped in Python
  outside the graph, its lr fed in through a tensor (``fill_``) each step.

Reported: the median time per step, the spread (25th-75th percentile of the blocks), the
ratio to the constant-lr step, and graphs compiled after warm-up (recompiles: must be 0).
Also the compile time of the schedule alone, and on CUDA (skipped without): CUDA-graph
replay of a whole training step with the schedule vs with a constant lr.

Run: ``python bench/bench_compile.py`` (``--quick`` for a smoke test).
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import Tensor, nn

import lrfunc as lf

Params = dict[str, Tensor]


class CountingBackend:
    """A ``torch.compile`` backend that counts the graphs it compiles."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.graphs = 0

    def __call__(self, gm: torch.fx.GraphModule, example_inputs: list[Tensor]) -> Any:
        self.graphs += 1
        from torch._dynamo import lookup_backend

        return lookup_backend(self.backend)(gm, example_inputs)


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


def cpu_section(args: argparse.Namespace) -> list[dict[str, Any]]:
    total = 10_000
    base_lr = 0.05
    sched = make_schedule(total)
    g = torch.Generator().manual_seed(1)
    x = torch.randn(args.batch, args.features, generator=g)
    y = torch.randn(args.batch, generator=g)

    variants: dict[str, dict[str, Any]] = {
        "lrfunc in graph": {"lr_of": lambda s, lr_in: sched(s, base_lr)},
        "constant lr": {"lr_of": lambda s, lr_in: base_lr},
        "torch scheduler": {"lr_of": lambda s, lr_in: lr_in},
    }
    for name, v in variants.items():
        v["backend"] = CountingBackend(args.backend)
        t0 = time.perf_counter()
        v["fn"] = torch.compile(make_step(v["lr_of"]), backend=v["backend"], fullgraph=True)
        params = init_params(args.features, args.hidden)
        v["state"] = [params, {k: torch.zeros_like(t) for k, t in params.items()}]
        v["step"] = torch.tensor(0, dtype=torch.int64)
        v["lr_in"] = torch.tensor(base_lr)
        v["times"] = []
        if name == "torch scheduler":
            v["opt"], v["sched"] = torch_scheduler(total, base_lr)

        def run_block(v: dict[str, Any] = v, name: str = name, n: int = 1) -> None:
            for _ in range(n):
                if name == "torch scheduler":
                    v["lr_in"].fill_(v["opt"].param_groups[0]["lr"])
                p, vel, v["step"], _loss = v["fn"](*v["state"], v["step"], v["lr_in"], x, y)
                v["state"] = [p, vel]
                if name == "torch scheduler":
                    v["sched"].step()

        v["run"] = run_block
        run_block(n=args.warmup)  # compile and warm up
        v["compile_s"] = time.perf_counter() - t0
        v["graphs_warm"] = v["backend"].graphs

    names = list(variants)
    for rep in range(args.reps):
        order = names[rep % len(names) :] + names[: rep % len(names)]  # rotate: no fixed order
        for name in order:
            v = variants[name]
            t0 = time.perf_counter()
            v["run"](n=args.block)
            v["times"].append((time.perf_counter() - t0) / args.block)

    floor = statistics.median(variants["constant lr"]["times"])
    rows = []
    for name, v in variants.items():
        times = sorted(v["times"])
        q1, q3 = times[len(times) // 4], times[(3 * len(times)) // 4]
        med = statistics.median(times)
        rows.append(
            {
                "variant": name,
                "median_us": med * 1e6,
                "best_us": times[0] * 1e6,
                "iqr_us": (q1 * 1e6, q3 * 1e6),
                "ratio": med / floor,
                "recompiles": v["backend"].graphs - v["graphs_warm"],
                "compile_s": v["compile_s"],
            }
        )
    return rows


def schedule_compile_time(backend: str) -> float:
    sched = lf.chain(lf.warmup(100), lf.cosine(9_900, end=0.1))

    def lr(step: Tensor) -> Tensor:
        return sched(step, 3e-4)

    t0 = time.perf_counter()
    torch.compile(lr, backend=backend, fullgraph=True)(torch.tensor(5))
    return time.perf_counter() - t0


def gpu_section(args: argparse.Namespace) -> list[dict[str, Any]] | None:
    if not torch.cuda.is_available():
        return None
    sched = make_schedule(10_000)
    base_lr = 1e-3
    results: dict[str, list[float]] = {}
    graphs: dict[str, torch.cuda.CUDAGraph] = {}
    for name in ("lrfunc in graph", "constant lr"):
        torch.manual_seed(0)
        model = nn.Sequential(
            nn.Linear(args.features, args.hidden), nn.ReLU(), nn.Linear(args.hidden, 1)
        ).cuda()
        x = torch.randn(args.batch, args.features, device="cuda")
        y = torch.randn(args.batch, 1, device="cuda")
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
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            train_step()
        graphs[name] = graph
        results[name] = []
    for _ in range(args.reps):
        for name, graph in graphs.items():
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            for _ in range(args.block):
                graph.replay()
            torch.cuda.synchronize()
            results[name].append((time.perf_counter() - t0) / args.block)
    floor = statistics.median(results["constant lr"])
    rows = []
    for name, times in results.items():
        times = sorted(times)
        med = statistics.median(times)
        rows.append(
            {
                "variant": f"cuda graph: {name}",
                "median_us": med * 1e6,
                "best_us": times[0] * 1e6,
                "iqr_us": (times[len(times) // 4] * 1e6, times[(3 * len(times)) // 4] * 1e6),
                "ratio": med / floor,
                "recompiles": 0,
                "compile_s": float("nan"),
            }
        )
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    print(
        f"{'variant':<30} {'median us/step':>15} {'best':>9} {'IQR us':>17} {'ratio':>7} "
        f"{'recompiles':>10} {'compile s':>9}"
    )
    for r in rows:
        lo, hi = r["iqr_us"]
        print(
            f"{r['variant']:<30} {r['median_us']:>15.1f} {r['best_us']:>9.1f} "
            f"{f'{lo:.1f}-{hi:.1f}':>17} "
            f"{r['ratio']:>7.3f} {r['recompiles']:>10} {r['compile_s']:>9.1f}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    parser.add_argument("--gpu-only", action="store_true", help="only the CUDA section")
    parser.add_argument("--backend", default="inductor")
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--reps", type=int, default=21, help="timed blocks per variant")
    parser.add_argument("--block", type=int, default=50, help="steps per timed block")
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args(argv)
    if args.quick:
        args.backend, args.features, args.hidden, args.batch = "eager", 8, 16, 16
        args.reps, args.block, args.warmup = 3, 3, 2
    torch.manual_seed(0)
    print(
        f"torch {torch.__version__}, backend={args.backend}, "
        f"{torch.get_num_threads()} threads, batch={args.batch}, hidden={args.hidden}"
    )
    if not args.gpu_only:
        print("\nCPU: compiled training step, lr from three sources (interleaved blocks)")
        print_table(cpu_section(args))
        print(
            f"\ncompile time of the schedule alone (warmup + cosine, fullgraph): "
            f"{schedule_compile_time(args.backend):.2f} s"
        )
    gpu = gpu_section(args)
    if gpu is None:
        print("\nGPU: skipped (no CUDA device)")
    else:
        print(f"\nGPU ({torch.cuda.get_device_name()}): CUDA-graph replay of a training step")
        print_table(gpu)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
