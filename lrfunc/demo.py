"""``make demo``: a composed schedule's key values and its terminal plot."""

from __future__ import annotations

import lrfunc as lf
from lrfunc._textplot import text_plot


def main() -> None:
    sched = lf.chain(lf.warmup(1_000), lf.cosine(99_000, end=0.1))
    base_lr = 3e-4
    print(f"schedule: {sched!r}  (base_lr={base_lr})")
    for k in (0, 1, 999, 1_000, 50_000, 99_999, 100_000, 10**9):
        print(f"  step {k:>12,}: lr = {sched(k, base_lr):.6e}")
    total = sched.steps or 100_000
    print(text_plot([sched(k, base_lr) for k in range(0, total, 100)], last_step=total))


if __name__ == "__main__":
    main()
