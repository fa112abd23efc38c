"""``plateau``: ReduceLROnPlateau as a pure update of a tensor state, against torch."""

from __future__ import annotations

import io
import math
import pickle

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import lrfunc as lf


def torch_lrs(metrics: list[float], base_lrs: list[float], **kwargs: object) -> list[list[float]]:
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in base_lrs]
    opt = torch.optim.SGD(
        [{"params": [p], "lr": lr} for p, lr in zip(params, base_lrs, strict=True)]
    )
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)  # type: ignore[arg-type]
    out = []
    for m in metrics:
        sched.step(m)
        out.append([g["lr"] for g in opt.param_groups])
    return out


def lf_lrs(metrics: list[float], base_lrs: list[float], **kwargs: object) -> list[list[float]]:
    cfg = lf.plateau(**kwargs)  # type: ignore[arg-type]
    base = torch.tensor(base_lrs, dtype=torch.float64)
    state = lf.plateau_init(cfg, base)
    out = []
    for m in metrics:
        state = lf.plateau_update(state, m, cfg, base)
        out.append((base * state["factor"]).tolist())
    return out


metric_values = st.one_of(
    st.floats(-10.0, 10.0, allow_nan=False),
    st.sampled_from([0.0, 1.0, 1.0001, 0.9999, -1.0]),  # ties and threshold edges
)


@settings(max_examples=150, deadline=None)
@given(
    metrics=st.lists(metric_values, min_size=1, max_size=60),
    mode=st.sampled_from(["min", "max"]),
    threshold_mode=st.sampled_from(["rel", "abs"]),
    threshold=st.sampled_from([0.0, 1e-4, 0.01, 0.5]),
    factor=st.sampled_from([0.0, 0.1, 0.5, 0.9]),
    patience=st.integers(0, 4),
    cooldown=st.integers(0, 3),
    min_lr=st.sampled_from([0.0, 1e-3, [1e-3, 0.02]]),
    eps=st.sampled_from([0.0, 1e-8, 1e-3]),
    base_lrs=st.sampled_from([[0.1, 1.0], [3e-4, 0.05]]),
)
def test_parity_with_torch(metrics: list[float], base_lrs: list[float], **kwargs: object) -> None:
    expected = torch_lrs(metrics, base_lrs, **kwargs)
    got = lf_lrs(metrics, base_lrs, **kwargs)
    for step, (e, g) in enumerate(zip(expected, got, strict=True)):
        assert g == pytest.approx(e, rel=1e-9, abs=1e-15), (step, e, g)


def test_nan_metric_counts_as_bad() -> None:
    metrics = [1.0, math.nan, math.nan, 0.5]
    assert lf_lrs(metrics, [1.0], patience=1) == torch_lrs(metrics, [1.0], patience=1)
    assert lf_lrs(metrics, [1.0], patience=1)[-1] == [0.1]


def test_worked_example_with_cooldown() -> None:
    cfg = lf.plateau(patience=1, factor=0.5, cooldown=2)
    state = lf.plateau_init(cfg)
    factors = []
    for loss in [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]:
        state = cfg.update(state, loss)
        factors.append(state["factor"].item())
    # bad counts: -,1,2->reduce,cooldown,cooldown,1,2->reduce,cooldown
    assert factors == [1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25]


def test_state_is_plain_tensors_and_resumes_exactly() -> None:
    cfg = lf.plateau("max", patience=2, factor=0.3, cooldown=1, min_lr=1e-3)
    metrics = torch.rand(40, generator=torch.Generator().manual_seed(0)).tolist()
    state = lf.plateau_init(cfg, 0.1)
    for m in metrics[:20]:
        state = lf.plateau_update(state, m, cfg, 0.1)
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    resumed = torch.load(buffer, weights_only=True)
    assert set(resumed) == {"best", "num_bad", "cooldown_counter", "factor"}
    for m in metrics[20:]:
        state = lf.plateau_update(state, m, cfg, 0.1)
        resumed = lf.plateau_update(resumed, m, cfg, 0.1)
    assert all(torch.equal(state[k], resumed[k]) for k in state)


def test_update_is_pure() -> None:
    cfg = lf.plateau(patience=0)
    state = lf.plateau_init(cfg)
    before = {k: v.clone() for k, v in state.items()}
    lf.plateau_update(state, 1.0, cfg)
    lf.plateau_update(state, 2.0, cfg)
    assert all(torch.equal(state[k], before[k]) for k in state)


def test_tensor_metric_and_shapes() -> None:
    cfg = lf.plateau(patience=0, min_lr=[0.0, 0.05])
    base = torch.tensor([0.1, 0.1], dtype=torch.float64)
    state = lf.plateau_init(cfg, base)
    assert state["factor"].shape == (2,) and state["best"].item() == math.inf
    for loss in [torch.tensor(1.0), torch.tensor(2.0, dtype=torch.float32)]:
        state = lf.plateau_update(state, loss, cfg, base)
    assert (base * state["factor"]).tolist() == pytest.approx([0.01, 0.05])


def test_config_value_semantics() -> None:
    cfg = lf.plateau("max", factor=0.5, min_lr=[0.1, 0.2])
    assert repr(cfg) == "plateau('max', factor=0.5, min_lr=[0.1, 0.2])"
    assert pickle.loads(pickle.dumps(cfg)) == cfg and hash(cfg) == hash(
        lf.plateau("max", factor=0.5, min_lr=(0.1, 0.2))
    )


BAD = [
    ("mode", dict(mode="up"), ValueError, "mode must be one of"),
    ("factor-1", dict(factor=1.0), ValueError, "factor must be in [0, 1)"),
    ("factor-neg", dict(factor=-0.1), ValueError, "factor must be"),
    ("patience", dict(patience=-1), ValueError, "patience must be an int >= 0"),
    ("patience-float", dict(patience=1.5), TypeError, "patience must be an int"),
    ("threshold", dict(threshold=-1e-4), ValueError, "threshold must be"),
    ("threshold-mode", dict(threshold_mode="pct"), ValueError, "threshold_mode must be one of"),
    ("cooldown", dict(cooldown=-2), ValueError, "cooldown must be an int >= 0"),
    ("min-lr", dict(min_lr=-1.0), ValueError, "min_lr must be"),
    ("min-lr-list", dict(min_lr=[0.1, -1.0]), ValueError, "min_lr[1] must be"),
    ("min-lr-empty", dict(min_lr=[]), ValueError, "non-empty sequence"),
    ("eps", dict(eps=math.nan), ValueError, "eps must be finite"),
]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad_input(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        lf.plateau(**kwargs)  # type: ignore[arg-type]
    assert message in str(info.value)


def test_init_needs_a_config() -> None:
    with pytest.raises(TypeError, match="config must be a plateau"):
        lf.plateau_init({"mode": "min"})  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch's inductor imports jit
def test_compiled_update_no_recompiles() -> None:
    cfg = lf.plateau(patience=1, factor=0.5, cooldown=1, min_lr=1e-3)
    base = torch.tensor([0.1, 0.01], dtype=torch.float64)

    def update(state: dict[str, torch.Tensor], metric: torch.Tensor) -> dict[str, torch.Tensor]:
        return lf.plateau_update(state, metric, cfg, base)

    compiled = torch.compile(update, fullgraph=True, backend="aot_eager")
    eager_state = lf.plateau_init(cfg, base)
    state = lf.plateau_init(cfg, base)
    torch._dynamo.config.error_on_recompile = True  # type: ignore[attr-defined]
    try:
        for m in [1.0, 0.5, 0.6, 0.6, 0.6, 0.4, 0.7, 0.7, 0.7, 0.7]:
            metric = torch.tensor(m, dtype=torch.float64)
            state = compiled(state, metric)
            eager_state = update(eager_state, metric)
            assert all(torch.equal(state[k], eager_state[k]) for k in state)
    finally:
        torch._dynamo.config.error_on_recompile = False  # type: ignore[attr-defined]
    assert state["factor"].tolist() == [0.25, 0.25]
