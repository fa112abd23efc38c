"""Property-testing helpers for schedules: assertions here, Hypothesis strategies in
:mod:`lrfunc.testing.strategies`.

The assertions need only torch; the strategies need Hypothesis
(``pip install lrfunc[testing]``). ``import lrfunc`` imports neither.

Each assertion evaluates a whole range of steps in one vectorised call (the tensor path)
and raises ``AssertionError`` with a message that names the schedule, the step(s) and
the values.

Examples:
    >>> import lrfunc as lf
    >>> from lrfunc.testing import assert_bounded, assert_monotone
    >>> sched = lf.chain(lf.warmup(100), lf.cosine(900, end=0.1))
    >>> assert_bounded(sched, 0, 2_000, low=0.0, high=1.0)
    >>> assert_monotone(sched, 100, 2_000, increasing=False)
    >>> assert_monotone(sched, 0, 2_000, increasing=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: chain(...) is not non-increasing on steps [0, 2000): it rises 100 times;
    first at step 1: lr(0) = 0.00990099 < lr(1) = 0.019802
"""

from ._assertions import Jump as Jump
from ._assertions import assert_bounded as assert_bounded
from ._assertions import assert_compiled_matches as assert_compiled_matches
from ._assertions import assert_continuous as assert_continuous
from ._assertions import assert_finite as assert_finite
from ._assertions import assert_matches_reference as assert_matches_reference
from ._assertions import assert_monotone as assert_monotone
from ._assertions import assert_paths_agree as assert_paths_agree
from ._assertions import assert_periodic as assert_periodic
from ._assertions import jumps as jumps
