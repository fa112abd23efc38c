"""lrfunc's benchmarks: each module measures lrfunc beside an alternative in one run.

Run them all with ``make bench`` (``python -m bench.run``); each module also runs alone,
e.g. ``python -m bench.bench_trajectory``.
"""
