"""``noise``: counter-based, seeded LR noise that is a pure function of the step."""

from __future__ import annotations

import math
import pickle
import statistics

import pytest
import torch

import lrfunc as lf
from lrfunc._noise import _mix32, uniform

F64 = torch.tensor(1.0, dtype=torch.float64)
STEPS = [0, 1, 2, 3, 1000, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**32 + 1, 2**40 + 12345, 2**53 - 1]


def test_uniform_is_pinned() -> None:
    # Golden values: a change of the hash changes every noisy run ever made; keep them.
    got = [uniform(k, 42) for k in (0, 1, 2**40)]
    assert got == [0.028065838501788676, 0.3561559250811115, 0.06952877633739263]


def test_mix_is_lowbias32() -> None:
    # The split multiplication equals the plain 32-bit product (Wellons' lowbias32).
    def reference(x: int) -> int:
        x ^= x >> 16
        x = (x * 0x7FEB352D) & 0xFFFFFFFF
        x ^= x >> 15
        x = (x * 0x846CA68B) & 0xFFFFFFFF
        return x ^ (x >> 16)

    xs = [0, 1, 2**31, 2**32 - 1, *torch.randint(0, 2**32, (200,)).tolist()]
    assert [_mix32(x) for x in xs] == [reference(x) for x in xs]
    assert _mix32(torch.tensor(xs)).tolist() == [reference(x) for x in xs]


@pytest.mark.parametrize("seed", [0, 1, 42, 2**32 - 1, 2**32, 2**64 - 1])
def test_number_path_equals_tensor_path_bit_for_bit(seed: int) -> None:
    tensor = uniform(torch.tensor(STEPS, dtype=torch.int64), seed)
    floats = uniform(torch.tensor(STEPS, dtype=torch.float64), seed)
    numbers = torch.tensor([uniform(k, seed) for k in STEPS], dtype=torch.float64)
    assert torch.equal(tensor, numbers) and torch.equal(floats, numbers)
    assert torch.all((numbers > 0) & (numbers < 1))


@pytest.mark.parametrize("kind", ["normal", "uniform"])
def test_schedule_number_equals_tensor(kind: str) -> None:
    sched = lf.noise(lf.cosine(2**53), pct=0.5, std=0.7, seed=3, kind=kind)
    tensor = sched(torch.tensor(STEPS), F64)
    numbers = torch.tensor([sched(k) for k in STEPS], dtype=torch.float64)
    torch.testing.assert_close(tensor, numbers, rtol=1e-13, atol=0)


def test_same_step_same_value_in_any_order_and_any_batch() -> None:
    sched = lf.noise(lf.constant(1.0), pct=0.2, seed=11)
    whole = sched(torch.arange(1000), F64)
    part = sched(torch.arange(500, 1000), F64)
    shuffled = torch.randperm(1000)
    assert torch.equal(whole[500:], part)
    assert torch.equal(sched(shuffled, F64), whole[shuffled])
    assert sched(737) == whole[737].item()


def test_seeds_and_steps_decorrelate() -> None:
    u = uniform(torch.arange(200_000, dtype=torch.int64), 42)
    v = uniform(torch.arange(200_000, dtype=torch.int64), 43)
    assert abs(u.mean().item() - 0.5) < 0.005
    assert abs(u.std().item() - math.sqrt(1 / 12)) < 0.005
    assert abs(torch.corrcoef(torch.stack([u, v]))[0, 1].item()) < 0.01
    assert abs(torch.corrcoef(torch.stack([u[1:], u[:-1]]))[0, 1].item()) < 0.01
    counts = torch.histc(u, bins=20, min=0, max=1)
    assert counts.min() > 0.95 * 10_000 and counts.max() < 1.05 * 10_000


@pytest.mark.parametrize("pct", [0.05, 0.67, 1.0])
def test_bounds(pct: float) -> None:
    for kind in ("normal", "uniform"):
        sched = lf.noise(lf.constant(1.0), pct=pct, kind=kind)
        ys = sched(torch.arange(20_000), F64)
        assert torch.all((ys > 1 - pct) & (ys < 1 + pct))


def test_truncated_normal_moments() -> None:
    # timm: standard normal redrawn until |n| < pct; the truncated law's variance is
    # 1 - 2 a phi(a) / (2 Phi(a) - 1) for a = pct (std 1).
    a = 0.67
    n = lf.noise(lf.constant(1.0), pct=a)(torch.arange(200_000), F64) - 1.0
    phi = math.exp(-a * a / 2) / math.sqrt(2 * math.pi)
    big_phi = statistics.NormalDist().cdf(a)
    var = 1 - 2 * a * phi / (2 * big_phi - 1)
    assert abs(n.mean().item()) < 0.003
    assert n.var().item() == pytest.approx(var, rel=0.02)
    # with a wide cut it is the plain normal of deviation std
    wide = lf.noise(lf.constant(1.0), pct=1.0, std=0.1)(torch.arange(200_000), F64) - 1.0
    assert wide.std().item() == pytest.approx(0.1, rel=0.02)


def test_window_and_end_of_schedule() -> None:
    sched = lf.noise(lf.linear(10, end=0.5), pct=0.3, start=3, end=6)
    assert [sched(k) for k in (0, 1, 2, 6, 7)] == [
        lf.linear(10, end=0.5)(k) for k in (0, 1, 2, 6, 7)
    ]
    assert all(sched(k) != lf.linear(10, end=0.5)(k) for k in (3, 4, 5))
    held = lf.noise(lf.linear(10, end=0.5), pct=0.3)  # end=None: stops with the schedule
    assert held.steps == 10 and [held(k) for k in (10, 11, 10**6)] == [0.5, 0.5, 0.5]
    forever = lf.noise(lf.step(5, gamma=0.9), pct=0.3)
    assert forever.steps is None and forever(500) != lf.step(5, gamma=0.9)(500)


def test_value_semantics() -> None:
    sched = lf.noise(lf.cosine(10), pct=0.1, seed=5, kind="uniform")
    assert repr(sched) == "noise(cosine(10), pct=0.1, seed=5, kind='uniform')"
    again = pickle.loads(pickle.dumps(sched))
    assert again == sched and hash(again) == hash(sched) and again(3) == sched(3)
    assert sched(3, 2.0) == pytest.approx(2.0 * sched(3), rel=1e-15)


BAD = [
    ("pct-0", dict(pct=0.0), ValueError, "pct must be"),
    ("pct-big", dict(pct=1.5), ValueError, "pct must be"),
    ("std-0", dict(std=0.0), ValueError, "std must be"),
    ("seed-neg", dict(seed=-1), ValueError, "seed must be an int >= 0"),
    ("seed-big", dict(seed=2**64), ValueError, "seed must be < 2**64"),
    ("seed-float", dict(seed=1.5), TypeError, "seed must be an int"),
    ("end-start", dict(start=5, end=5), ValueError, "end must be > start"),
    ("kind", dict(kind="gumbel"), ValueError, "kind must be one of"),
]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad_input(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        lf.noise(lf.constant(1.0), **kwargs)  # type: ignore[arg-type]
    assert message in str(info.value)
    with pytest.raises(TypeError, match="schedule must be a Schedule"):
        lf.noise(0.1)  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch's inductor imports jit
def test_inductor_gives_the_same_bits() -> None:
    # The integer hash through inductor's code generation (one small kernel); the whole
    # noise schedule is traced with fullgraph in tests/test_catalogue.py.
    compiled = torch.compile(lambda k: uniform(k, 9), fullgraph=True)
    steps = torch.tensor(STEPS, dtype=torch.int64)
    assert torch.equal(compiled(steps), uniform(steps, 9))
