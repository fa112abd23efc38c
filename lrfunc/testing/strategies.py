"""Hypothesis strategies for schedules, steps and base learning rates.

Needs Hypothesis: ``pip install lrfunc[testing]``.

:func:`schedules` draws valid schedules from a registry of families (one entry per
schedule family) and composes them with the combinators up to a depth. Every value
shows as the expression that builds it, and a failing composition shrinks towards a
single, small schedule: compositions are built level by level with
``one_of(simpler, composed)``, so Hypothesis can always replace a composition by one of
its parts.

Examples:
    >>> import lrfunc as lf
    >>> from hypothesis import given, settings
    >>> from lrfunc.testing import assert_bounded
    >>> from lrfunc.testing.strategies import schedules
    >>> @settings(max_examples=20, deadline=None, database=None)
    ... @given(schedules(families=["warmup", "cosine", "linear"], finite_only=True))
    ... def test_never_negative(sched):
    ...     assert_bounded(sched, 0, sched.steps + 10, low=0.0)
    >>> test_never_negative()
"""

from __future__ import annotations

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
    from hypothesis.strategies import SearchStrategy
except ImportError as err:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "lrfunc.testing.strategies needs Hypothesis: pip install lrfunc[testing]"
    ) from err

import dataclasses
import math
from collections.abc import Callable, Iterable
from typing import Any

from .._basic import (
    constant,
    cosine,
    exp,
    linear,
    multistep,
    piecewise_constant,
    poly,
    step,
    warmup,
)
from .._combinators import (
    chain,
    clip,
    cooldown,
    kdecay,
    noise,
    product,
    repeat,
    scale,
    shift,
    stretch,
)
from .._cyclic import cyclic, onecycle, restarts
from .._decays import interpolate, inverse_sqrt, inverse_time, noam, rex, tanh
from .._fraction import frac
from .._schedule import Schedule
from .._validate import untyped
from .._wave import cosine_wave
from .._wsd import wsd


def _nothing() -> SearchStrategy[Any]:
    """``st.nothing()``, typed: hypothesis's strategy decorator leaves its type unknown."""
    return st.nothing()  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType] -- see the docstring


__all__ = ["FAMILIES", "Options", "base_lrs", "family", "recipes", "schedules", "steps"]


@dataclasses.dataclass(frozen=True)
class Options:
    """What a family's builder must respect.

    Attributes:
        max_steps: the largest length (and step parameter: boundaries, ``every``...) to
            draw.
        finite: every drawn schedule must have a length (``sched.steps`` is an int).
    """

    max_steps: int
    finite: bool


Builder = Callable[[Options], "SearchStrategy[Schedule] | None"]

#: The schedule families :func:`schedules` draws from: name -> builder. A builder takes
#: :class:`Options` and returns a strategy for that family, or ``None`` when it cannot
#: meet them (a family that never ends, asked for finite schedules). Put the simplest
#: family first: shrinking moves towards earlier families.
FAMILIES: dict[str, Builder] = {}
#: The names of the families defined in this module (filled once they are registered).
_BUILT_IN: set[str] = set()


def family(name: str, *, replace: bool = False) -> Callable[[Builder], Builder]:
    """Register a builder in :data:`FAMILIES` under ``name`` (a decorator).

    Args:
        name: the family's name, as ``schedules(families=[...])`` takes it.
        replace: allow replacing one of lrfunc's own families (by default that is an
            error, so a new family cannot silently take a built-in one's place).

    Raises:
        InvalidArgument: ``name`` is a built-in family and ``replace`` is false.

    Examples:
        >>> import lrfunc as lf
        >>> from hypothesis import strategies as st
        >>> from lrfunc.testing.strategies import FAMILIES, family
        >>> @family("half")
        ... def _half(o):
        ...     return st.just(lf.constant(0.5, steps=1) if o.finite else lf.constant(0.5))
        >>> "half" in FAMILIES
        True
        >>> del FAMILIES["half"]
        >>> @family("rex")
        ... def _rex(o):
        ...     return st.just(lf.rex(10))
        Traceback (most recent call last):
        ...
        hypothesis.errors.InvalidArgument: 'rex' is a built-in family of lrfunc.testing; pass family('rex', replace=True) to replace it, or choose another name
    """
    if not isinstance(untyped(name), str) or not name:
        raise InvalidArgument(f"a family's name must be a non-empty str, got {name!r}")
    if name in _BUILT_IN and not replace:
        raise InvalidArgument(
            f"{name!r} is a built-in family of lrfunc.testing; pass "
            f"family({name!r}, replace=True) to replace it, or choose another name"
        )

    def register(builder: Builder) -> Builder:
        FAMILIES[name] = builder
        return builder

    return register


# -- parameter strategies ----------------------------------------------------------------


def _factors(low: float = 0.0, high: float = 1.0) -> SearchStrategy[float]:
    """A factor: round values first (they shrink there and read well), then any float."""
    simple = [v for v in (1.0, 0.0, 0.5, 0.1) if low <= v <= high]
    return st.one_of(
        st.sampled_from(simple) if simple else _nothing(),
        st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False),
    )


def _lengths(o: Options) -> SearchStrategy[int]:
    return st.integers(1, o.max_steps)


def _boundaries(o: Options, *, min_size: int = 1, max_size: int = 3) -> SearchStrategy[list[int]]:
    return st.lists(
        st.integers(1, o.max_steps), min_size=min_size, max_size=max_size, unique=True
    ).map(sorted)


def _gammas() -> SearchStrategy[float]:
    """A decay factor in ``(0, 1]``."""
    return st.one_of(st.sampled_from([0.1, 0.5, 0.9]), st.floats(0.01, 1.0))


# -- the core families ---------------------------------------------------------------------


@family("constant")
def _constant(o: Options) -> SearchStrategy[Schedule]:
    length = _lengths(o) if o.finite else st.none() | _lengths(o)
    return st.builds(constant, _factors(), steps=length)


@family("linear")
def _linear(o: Options) -> SearchStrategy[Schedule]:
    return st.builds(linear, _lengths(o), start=_factors(), end=_factors())


@family("warmup")
def _warmup(o: Options) -> SearchStrategy[Schedule]:
    return st.builds(warmup, _lengths(o), start=st.none() | _factors())


@family("cosine")
def _cosine(o: Options) -> SearchStrategy[Schedule]:
    return st.builds(cosine, _lengths(o), end=_factors())


@family("poly")
def _poly(o: Options) -> SearchStrategy[Schedule]:
    powers = st.sampled_from([1.0, 2.0, 0.5]) | st.floats(0.1, 4.0)
    return st.builds(poly, _lengths(o), power=powers, end=_factors())


@family("step")
def _step(o: Options) -> SearchStrategy[Schedule] | None:
    return None if o.finite else st.builds(step, _lengths(o), gamma=_gammas())


@family("multistep")
def _multistep(o: Options) -> SearchStrategy[Schedule] | None:
    return None if o.finite else st.builds(multistep, _boundaries(o), gamma=_gammas())


@family("exp")
def _exp(o: Options) -> SearchStrategy[Schedule] | None:
    if o.finite:
        return None

    @st.composite
    def draw_exp(draw: st.DrawFn) -> Schedule:
        grow = draw(st.booleans())
        # Growth always has a ceiling (``end``), so every drawn schedule is bounded.
        gamma = draw(st.floats(1.001, 2.0) if grow else st.floats(0.5, 1.0, exclude_max=True))
        end = (
            draw(st.floats(1.0, 4.0, exclude_min=True))
            if grow
            else draw(
                st.none()
                | st.floats(0.0, 1.0, exclude_min=True, exclude_max=True, allow_subnormal=False)
            )
        )
        every = draw(st.sampled_from([1, 10]) | st.integers(1, o.max_steps))
        return exp(
            gamma,
            every=every,
            staircase=draw(st.booleans()),
            begin=draw(st.integers(0, o.max_steps)),
            end=end,
        )

    return draw_exp()


@family("piecewise_constant")
def _piecewise_constant(o: Options) -> SearchStrategy[Schedule] | None:
    if o.finite:
        return None

    @st.composite
    def draw_piecewise(draw: st.DrawFn) -> Schedule:
        cuts = draw(_boundaries(o, min_size=0))
        values = draw(st.lists(_factors(), min_size=len(cuts) + 1, max_size=len(cuts) + 1))
        return piecewise_constant(tuple(cuts), tuple(values))

    return draw_piecewise()


# -- more families (one entry each) ---------------------------------------------------------


@family("rex")
def _rex(o: Options) -> SearchStrategy[Schedule]:
    return st.builds(rex, _lengths(o), end=_factors())


@family("tanh")
def _tanh(o: Options) -> SearchStrategy[Schedule]:
    return st.builds(tanh, _lengths(o), end=_factors())


@family("wsd")
def _wsd(o: Options) -> SearchStrategy[Schedule]:
    @st.composite
    def draw_wsd(draw: st.DrawFn) -> Schedule:
        n = draw(_lengths(o))
        decay = draw(st.integers(1, n))
        warmup = draw(st.integers(0, n - decay))
        shape = draw(st.sampled_from(["linear", "cosine", "1-sqrt", "poly"]))
        return wsd(n, warmup=warmup, decay=decay, shape=shape, end=draw(_factors()))

    return draw_wsd()


@family("interpolate")
def _interpolate(o: Options) -> SearchStrategy[Schedule]:
    @st.composite
    def draw_interpolate(draw: st.DrawFn) -> Schedule:
        cuts = draw(_boundaries(o, min_size=1, max_size=3))
        points = [0, *cuts]
        values = draw(st.lists(_factors(), min_size=len(points), max_size=len(points)))
        shape = draw(st.sampled_from(["linear", "cosine"]))
        return interpolate(tuple(points), tuple(values), shape=shape)

    return draw_interpolate()


@family("inverse_sqrt")
def _inverse_sqrt(o: Options) -> SearchStrategy[Schedule] | None:
    return None if o.finite else st.builds(inverse_sqrt, _lengths(o))


@family("inverse_time")
def _inverse_time(o: Options) -> SearchStrategy[Schedule] | None:
    rates = st.sampled_from([0.5, 1.0]) | st.floats(0.0, 10.0)
    return None if o.finite else st.builds(inverse_time, rates, every=_lengths(o))


@family("cosine_wave")
def _cosine_wave(o: Options) -> SearchStrategy[Schedule] | None:
    return None if o.finite else st.builds(cosine_wave, _lengths(o), end=_factors())


@family("noam")
def _noam(o: Options) -> SearchStrategy[Schedule] | None:
    return None if o.finite else st.builds(noam, st.integers(1, 1024), _lengths(o))


@family("onecycle")
def _onecycle(o: Options) -> SearchStrategy[Schedule]:
    return st.builds(
        onecycle,
        st.integers(4, max(o.max_steps, 4)),
        pct_start=st.floats(0.1, 0.9),
        div_factor=st.floats(1.0, 100.0),
        final_div_factor=st.floats(1.0, 1e4),
        anneal=st.sampled_from(["cos", "linear"]),
        three_phase=st.booleans(),
    )


@family("cyclic")
def _cyclic(o: Options) -> SearchStrategy[Schedule] | None:
    if o.finite:
        return None
    return st.builds(
        cyclic,
        _lengths(o),
        down=st.none() | _lengths(o),
        low=_factors(),
        mode=st.sampled_from(["triangular", "triangular2", "exp_range"]),
        gamma=_gammas(),
    )


@family("restarts")
def _restarts(o: Options) -> SearchStrategy[Schedule]:
    cycles = st.integers(1, 4) if o.finite else st.none() | st.integers(1, 4)
    return st.builds(
        restarts,
        _lengths(o),
        mult=st.sampled_from([1.0, 2.0]) | st.floats(1.0, 3.0),
        decay=_gammas(),
        end=_factors(),
        cycles=cycles,
    )


_BUILT_IN.update(FAMILIES)


# -- compositions --------------------------------------------------------------------------


def _compose(
    any_: SearchStrategy[Schedule], finite: SearchStrategy[Schedule], o: Options
) -> SearchStrategy[Schedule]:
    """One combinator over schedules drawn from the level below.

    ``any_`` and ``finite`` are that level's strategies; with ``o.finite`` the result
    must have a length, so its parts come from ``finite`` where needed.
    """
    last = finite if o.finite else any_
    parts = finite if o.finite else any_

    @st.composite
    def joined(draw: st.DrawFn) -> Schedule:
        head = draw(st.lists(finite, min_size=1, max_size=2))
        return chain(*head, draw(last))

    @st.composite
    def joined_at(draw: st.DrawFn) -> Schedule:
        pieces = [*draw(st.lists(parts, min_size=1, max_size=2)), draw(last)]
        cuts = draw(_boundaries(o, min_size=len(pieces) - 1, max_size=len(pieces) - 1))
        return chain(*pieces, boundaries=cuts)

    @st.composite
    def clipped(draw: st.DrawFn) -> Schedule:
        inner = draw(parts)
        low = draw(st.none() | _factors())
        high = draw(st.none() | _factors(0.0 if low is None else low, 1.0))
        low_lr = draw(st.none() | _factors())
        if low is high is low_lr is None:
            low = 0.0
        return clip(inner, min=low, max=high, min_lr=low_lr)

    @st.composite
    def cooled(draw: st.DrawFn) -> Schedule:
        inner = draw(parts)
        at = draw(st.integers(0, o.max_steps))
        shape = draw(st.sampled_from(["linear", "cosine", "1-sqrt"]))
        return cooldown(inner, at, draw(_lengths(o)), shape=shape, end=draw(_factors()))

    return st.one_of(
        joined(),
        joined_at(),
        st.builds(product, parts, parts),
        st.builds(scale, parts, _factors(0.0, 2.0)),
        clipped(),
        st.builds(shift, parts, st.integers(-o.max_steps, o.max_steps)),
        st.builds(stretch, parts, st.sampled_from([2.0, 0.5]) | st.floats(0.25, 4.0)),
        st.builds(
            repeat, finite, st.integers(1, 3), mult=st.sampled_from([1.0, 2.0]), decay=_gammas()
        ),
        cooled(),
        st.builds(kdecay, finite, st.floats(0.5, 3.0)),
        st.builds(noise, parts, pct=st.floats(0.01, 0.5), seed=st.integers(0, 2**31 - 1)),
    )


def _check_int(name: str, value: Any, low: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidArgument(f"{name}={value!r} must be an int")
    if value < low:
        raise InvalidArgument(f"{name}={value!r} must be >= {low}")
    return value


def _check_families(families: Iterable[str] | None) -> list[str]:
    if families is None:
        return list(FAMILIES)
    if isinstance(families, str) or not isinstance(untyped(families), Iterable):
        raise InvalidArgument(
            f"families={families!r} must be a list of family names, e.g. ['cosine', 'linear']"
        )
    names = list(families)
    if not names:
        raise InvalidArgument("families=[] must name at least one family")
    unknown = [n for n in names if n not in FAMILIES]
    if unknown:
        raise InvalidArgument(
            f"unknown famil{'ies' if len(unknown) > 1 else 'y'} {', '.join(map(repr, unknown))}"
            f" in families=; known: {', '.join(FAMILIES)}"
        )
    return list(dict.fromkeys(names))


def schedules(
    *,
    families: Iterable[str] | None = None,
    max_depth: int = 2,
    max_steps: int = 10_000,
    finite_only: bool = False,
    leaves: SearchStrategy[Schedule] | None = None,
) -> SearchStrategy[Schedule]:
    """A strategy for valid schedules: family members and their compositions.

    Args:
        families: names from :data:`FAMILIES` to draw from (default: all of them).
        max_depth: how deep combinators nest; 0 draws single family members.
        max_steps: the largest length or step parameter of one family member
            (compositions can be longer: a chain adds its pieces' lengths).
        finite_only: draw only schedules with a length (``sched.steps`` is an int).
        leaves: more schedules to draw and compose, such as your own
            :class:`~lrfunc.Schedule` subclasses; drawn as often as all the families
            together (with ``finite_only`` those without a length are filtered out).

    Returns:
        A ``SearchStrategy[Schedule]``; failing examples shrink towards a single member
        of the first families.

    Raises:
        hypothesis.errors.InvalidArgument: an unknown family name or a bad option (when
            the strategy is first used, as for Hypothesis's own strategies).

    Examples:
        >>> from lrfunc.testing.strategies import schedules
        >>> schedules(families=["cosin"]).validate()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        hypothesis.errors.InvalidArgument: unknown family 'cosin' in families=; known: ...
    """

    def build() -> SearchStrategy[Schedule]:
        names = _check_families(families)
        depth = _check_int("max_depth", max_depth, 0)
        length = _check_int("max_steps", max_steps, 1)
        if not isinstance(untyped(finite_only), bool):
            raise InvalidArgument(f"finite_only={finite_only!r} must be a bool")
        if leaves is not None and not isinstance(untyped(leaves), SearchStrategy):
            raise InvalidArgument(f"leaves={leaves!r} must be a SearchStrategy of schedules")
        extra = () if leaves is None else (leaves.filter(_is_schedule),)
        finite_extra = tuple(s.filter(_has_length) for s in extra)

        def members(finite: bool) -> list[SearchStrategy[Schedule]]:
            o = Options(length, finite)
            found = [FAMILIES[n](o) for n in names]
            return [s for s in found if s is not None]

        # Your own leaves weigh as much as all the families together: they are what
        # the test is about.
        finite = st.one_of(st.one_of(*members(True)), *finite_extra)
        any_ = finite if finite_only else st.one_of(st.one_of(*members(False)), *extra)
        if finite_only and finite.is_empty:
            raise InvalidArgument(
                f"families={names!r} has no schedule with a length, as finite_only=True needs"
            )
        for level in range(1, depth + 1):
            # Simpler values first in one_of: a failing composition shrinks into its parts.
            finite, any_ = (
                st.one_of(finite, _compose(finite, finite, Options(length, True))),
                st.one_of(any_, _compose(any_, finite, Options(length, finite_only))),
            )
            finite = _named(f"finite_schedules_depth_{level}", finite)
            any_ = _named(f"schedules_depth_{level}", any_)
        return any_

    return st.deferred(build)


def _named(name: str, strategy: SearchStrategy[Any]) -> SearchStrategy[Any]:
    """``strategy`` under a short ``repr`` (nested levels would repeat their parts)."""

    def draw_it(draw: st.DrawFn) -> Any:
        return draw(strategy)

    draw_it.__name__ = draw_it.__qualname__ = name
    return st.composite(draw_it)()


def _is_schedule(value: Any) -> bool:
    if not isinstance(value, Schedule):
        raise InvalidArgument(f"leaves= drew {value!r}, which is not an lrfunc Schedule")
    return True


def _has_length(value: Schedule) -> bool:
    return isinstance(value.steps, int)


#: Recipe pieces: a schedule whose length (its first argument) is a fraction of training.
_RECIPE_PIECES: dict[str, Callable[[frac], SearchStrategy[Schedule]]] = {
    "warmup": lambda f: st.builds(warmup, st.just(f), start=st.none() | _factors()),
    "constant": lambda f: st.builds(constant, _factors(), steps=st.just(f)),
    "linear": lambda f: st.builds(linear, st.just(f), start=_factors(), end=_factors()),
    "cosine": lambda f: st.builds(cosine, st.just(f), end=_factors()),
    "poly": lambda f: st.builds(poly, st.just(f), power=st.sampled_from([1.0, 2.0, 0.5])),
}


def recipes(*, max_pieces: int = 4) -> SearchStrategy[Schedule]:
    """A strategy for recipes: schedules whose lengths are fractions of training.

    A recipe is one piece, or a ``chain`` of up to ``max_pieces``, each a warmup, constant,
    linear, cosine or poly whose ``steps`` is a :class:`~lrfunc.frac`. The fractions are
    round (hundredths) and add up to at most 1, often to exactly 1 (the last piece takes
    the rest). ``recipe.bind(n)`` gives a schedule for any ``n >= 1``.

    Examples:
        >>> from hypothesis import given, settings, strategies as st
        >>> from lrfunc.testing.strategies import recipes
        >>> @settings(max_examples=20, deadline=None, database=None)
        ... @given(recipes(), st.integers(1, 10_000))
        ... def test_bound_length(recipe, n):
        ...     assert recipe.bind(n).steps <= n
        >>> test_bound_length()
    """

    def build() -> SearchStrategy[Schedule]:
        count = _check_int("max_pieces", max_pieces, 1)

        @st.composite
        def draw_recipe(draw: st.DrawFn) -> Schedule:
            n = draw(st.integers(1, count))
            left = 100  # hundredths of training not yet given to a piece
            cents: list[int] = []
            for i in range(n):
                rest = i == n - 1 and draw(st.booleans())
                cents.append(left if rest else draw(st.integers(0, left)))
                left -= cents[-1]
            kinds = st.sampled_from(sorted(_RECIPE_PIECES))
            pieces = [draw(_RECIPE_PIECES[draw(kinds)](frac(c / 100))) for c in cents]
            return pieces[0] if n == 1 else chain(*pieces)

        return draw_recipe()

    return st.deferred(build)


def steps(*, min_value: int = 0, max_value: int = 10**9) -> SearchStrategy[int]:
    """A strategy for steps: ints in ``[min_value, max_value]`` (small ones often).

    Examples:
        >>> from lrfunc.testing.strategies import steps
        >>> steps(max_value=-1).validate()
        Traceback (most recent call last):
        ...
        hypothesis.errors.InvalidArgument: max_value=-1 must be >= 0
    """

    def build() -> SearchStrategy[int]:
        low = _check_int("min_value", min_value, 0)
        high = _check_int("max_value", max_value, low)
        return st.integers(low, high)

    return st.deferred(build)


def base_lrs(*, min_value: float = 1e-6, max_value: float = 1.0) -> SearchStrategy[float]:
    """A strategy for base learning rates: floats in ``[min_value, max_value]``, with
    1.0 and common values first.

    Examples:
        >>> from lrfunc.testing.strategies import base_lrs
        >>> base_lrs(min_value=1.0, max_value=0.1).validate()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        hypothesis.errors.InvalidArgument: need 0 <= min_value <= max_value < inf, ...
    """

    def build() -> SearchStrategy[float]:
        for name, v in (("min_value", min_value), ("max_value", max_value)):
            if not isinstance(untyped(v), (int, float)) or isinstance(v, bool):
                raise InvalidArgument(f"{name}={v!r} must be a number")
        if not 0 <= min_value <= max_value < math.inf:
            raise InvalidArgument(
                "need 0 <= min_value <= max_value < inf, "
                f"got min_value={min_value!r} and max_value={max_value!r}"
            )
        common = [v for v in (1.0, 0.1, 3e-4) if min_value <= v <= max_value]
        return st.one_of(
            st.sampled_from(common) if common else _nothing(),
            st.floats(float(min_value), float(max_value)),
        )

    return st.deferred(build)
