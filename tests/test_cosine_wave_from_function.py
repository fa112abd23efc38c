"""The two schedules from_torch needs: ``cosine_wave`` and ``from_function``."""

from __future__ import annotations

import math
import pickle
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import lrfunc as lf

FAST = settings(max_examples=50, deadline=None)


def square_root_decay(k: Any) -> Any:
    return 1.0 / (1.0 + k) ** 0.5


class TestCosineWave:
    def test_worked_values(self) -> None:
        wave = lf.cosine_wave(4, end=0.2)
        assert [round(wave(k), 12) for k in range(9)] == [
            1.0,
            0.882842712475,
            0.6,
            0.317157287525,
            0.2,
            0.317157287525,
            0.6,
            0.882842712475,
            1.0,
        ]
        assert wave.steps is None

    def test_end_lr_is_absolute(self) -> None:
        wave = lf.cosine_wave(10, end_lr=1e-3)
        assert wave(10, 0.1) == pytest.approx(1e-3, rel=1e-15)
        assert wave(10, 0.0) == pytest.approx(1e-3, rel=1e-15)
        assert wave(0, 0.0) == 0.0
        assert wave(20, 0.5) == pytest.approx(0.5, rel=1e-15)

    def test_equals_cosine_up_to_half_period(self) -> None:
        steps = torch.arange(0, 51, dtype=torch.float64)
        torch.testing.assert_close(
            lf.cosine_wave(50, end=0.1)(steps, 1.0), lf.cosine(50, end=0.1)(steps, 1.0)
        )

    @FAST
    @given(half=st.integers(1, 10_000), k=st.integers(0, 10**9), end=st.floats(0.0, 2.0))
    def test_periodic_and_symmetric(self, half: int, k: int, end: float) -> None:
        wave = lf.cosine_wave(half, end=end)
        assert wave(k + 2 * half) == pytest.approx(wave(k), rel=1e-9, abs=1e-12)
        assert wave(k % (2 * half)) == pytest.approx(wave(2 * half - k % (2 * half)), abs=1e-12)
        assert min(1.0, end) - 1e-12 <= wave(k) <= max(1.0, end) + 1e-12

    @FAST
    @given(
        half=st.integers(1, 1000),
        end=st.floats(0.0, 1.0),
        base=st.one_of(st.just(0.0), st.floats(1e-6, 1.0)),  # float32 range
    )
    def test_number_path_equals_tensor_path(self, half: int, end: float, base: float) -> None:
        wave = lf.cosine_wave(half, end=end)
        ks = [0, 1, half - 1, half, half + 1, 3 * half + 7, 10**9]
        got64 = wave(torch.tensor(ks), torch.tensor(base, dtype=torch.float64))
        got32 = wave(torch.tensor(ks), base)
        for k, v64, v32 in zip(ks, got64.tolist(), got32.tolist(), strict=True):
            want = wave(k, base)
            assert v64 == pytest.approx(want, rel=1e-12, abs=1e-15)
            assert v32 == pytest.approx(want, rel=1e-6, abs=1e-7 * base)

    def test_value_semantics(self) -> None:
        wave = lf.cosine_wave(10, end_lr=1e-5)
        assert repr(wave) == "cosine_wave(10, end_lr=1e-05)"
        assert wave == lf.cosine_wave(10, end_lr=1e-5) and hash(wave) == hash(
            lf.cosine_wave(10, end_lr=1e-5)
        )
        assert pickle.loads(pickle.dumps(wave)) == wave
        assert lf.functional.cosine_wave(10, 2.0, half_period=10) == 0.0

    @pytest.mark.parametrize(
        ("kwargs", "error", "match"),
        [
            ({"half_period": 0}, ValueError, "half_period must be a positive int, got 0"),
            ({"half_period": 2.5}, TypeError, "half_period must be a positive int, got 2.5"),
            ({"half_period": 4, "end": -0.1}, ValueError, "end must be >= 0"),
            ({"half_period": 4, "end_lr": math.nan}, ValueError, "end_lr must be finite"),
            ({"half_period": 4, "end": 0.1, "end_lr": 0.1}, ValueError, "not both"),
        ],
        ids=["zero", "fractional", "negative-end", "nan-end-lr", "end-and-end-lr"],
    )
    def test_bad_input(self, kwargs: dict[str, Any], error: type, match: str) -> None:
        with pytest.raises(error, match=match):
            lf.cosine_wave(**kwargs)


class TestFromFunction:
    def test_number_path_passes_the_int_step(self) -> None:
        seen: list[Any] = []

        def record(k: Any) -> float:
            seen.append(k)
            return 0.5

        sched = lf.from_function(record)
        assert sched(3, 0.2) == 0.1
        assert seen == [3] and type(seen[0]) is int

    def test_tensor_path_passes_the_tensor(self) -> None:
        sched = lf.from_function(square_root_decay)
        steps = torch.arange(5)
        got = sched(steps, 0.1)
        assert isinstance(got, torch.Tensor) and got.shape == (5,)
        for k in range(5):
            assert got[k].item() == pytest.approx(sched(k, 0.1), rel=1e-6)

    def test_steps_holds_the_last_value(self) -> None:
        sched = lf.from_function(square_root_decay, steps=3)
        assert sched.steps == 3
        assert sched(100) == sched(3) == 0.5
        chained = lf.chain(lf.warmup(2), sched, lf.constant(0.1))
        assert chained.steps is None and chained(5) == 0.1

    def test_value_semantics(self) -> None:
        sched = lf.from_function(square_root_decay)
        assert repr(sched) == "from_function(square_root_decay)"
        assert repr(lf.from_function(square_root_decay, steps=7)) == (
            "from_function(square_root_decay, steps=7)"
        )
        assert repr(lf.from_function(lambda k: 1.0)).startswith("from_function(")
        assert sched == lf.from_function(square_root_decay)
        assert hash(sched) == hash(lf.from_function(square_root_decay))
        assert sched != lf.from_function(lambda k: square_root_decay(k))
        assert pickle.loads(pickle.dumps(sched)) == sched

    @pytest.mark.parametrize(
        ("args", "kwargs", "error", "match"),
        [
            ((0.5,), {}, TypeError, "fn must be callable, got 0.5"),
            ((square_root_decay,), {"steps": -1}, ValueError, "steps must be an int >= 0"),
        ],
        ids=["not-callable", "negative-steps"],
    )
    def test_bad_input(
        self, args: tuple[Any, ...], kwargs: dict[str, Any], error: type, match: str
    ) -> None:
        with pytest.raises(error, match=match):
            lf.from_function(*args, **kwargs)
