"""optax, when jax and optax are installed: a jitted, vectorised trajectory of the same
warmup + cosine schedule beside lrfunc's vectorised call, on the same CPU.

Skipped (one row saying so) when jax or optax is missing; neither is ever required.

Reproduce: ``pip install jax optax && python -m bench.bench_optax [--quick]``.
"""

from __future__ import annotations

import importlib.util

import torch

import lrfunc as lf

from ._timing import Row, format_seconds, interleaved, ratio, run_alone

WARMUP = 1_000

#: What limits the figures; written under the table by ``make bench``.
NOTES = [
    "optax: jax.jit fuses the whole trajectory into one XLA kernel in float32; lrfunc's "
    "eager vectorised call runs its formula as a few tens of elementwise torch ops over "
    "float64 steps (integer steps are widened so that none is rounded). Compiled "
    "(torch.compile, Inductor) the same call is one fused loop too: the 'lrfunc compiled' "
    "rows.",
]


def run(quick: bool = False) -> list[Row]:
    if importlib.util.find_spec("jax") is None or importlib.util.find_spec("optax") is None:
        return [Row("optax trajectory", "skipped", "-", "jax/optax not installed")]
    import jax
    import jax.numpy as jnp
    import optax

    steps = 10_000 if quick else 1_000_000
    base_lr = 3e-4
    theirs = optax.join_schedules(
        [
            optax.linear_schedule(base_lr / (WARMUP + 1), base_lr, WARMUP),
            optax.cosine_decay_schedule(base_lr, steps - WARMUP),
        ],
        boundaries=[WARMUP],
    )
    grid_jax = jnp.arange(steps)
    jitted = jax.jit(jax.vmap(theirs))
    jitted(grid_jax).block_until_ready()
    ours = lf.chain(lf.warmup(WARMUP), lf.cosine(steps - WARMUP))
    grid = torch.arange(steps)
    compiled = torch.compile(
        lambda g: ours(g, base_lr), fullgraph=True, backend="eager" if quick else "inductor"
    )
    compiled(grid)
    timings = interleaved(
        {
            "lrfunc": lambda: ours(grid, base_lr),
            "lrfunc compiled": lambda: compiled(grid),
            "optax": lambda: jitted(grid_jax).block_until_ready(),
        },
        number=1,
        rounds=5 if quick else 15,
    )
    median, q1, q3 = ratio(timings["lrfunc"], timings["optax"])
    compiled_median, compiled_q1, compiled_q3 = ratio(timings["lrfunc compiled"], timings["optax"])
    ours_values = ours(grid, base_lr).double().numpy()
    theirs_values = jitted(grid_jax)
    worst = float(abs(ours_values - theirs_values).max() / base_lr)
    name = f"optax trajectory, {steps:,} steps"
    return [
        Row(name, "lrfunc vectorised", format_seconds(timings["lrfunc"].median), ""),
        Row(
            name,
            "optax jit(vmap)",
            format_seconds(timings["optax"].median),
            f"jax {jax.__version__}",
        ),
        Row(name, "ratio lrfunc / optax", f"{median:.2f}", f"IQR {q1:.2f}-{q3:.2f}"),
        Row(
            name,
            "lrfunc compiled",
            format_seconds(timings["lrfunc compiled"].median),
            "torch.compile(fullgraph=True)",
        ),
        Row(
            name,
            "ratio lrfunc compiled / optax",
            f"{compiled_median:.2f}",
            f"IQR {compiled_q1:.2f}-{compiled_q3:.2f}",
        ),
        Row(name, "max difference / base_lr", f"{worst:.1e}", "float32 on both sides"),
    ]


if __name__ == "__main__":
    run_alone(run, __doc__)
