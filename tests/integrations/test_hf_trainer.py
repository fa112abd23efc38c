"""docs/integrations.md, "HF Trainer (transformers)": its blocks run against the real
Trainer, then each recipe is trained again with a callback that records every update's LR."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():  # the suite turns warnings into errors; not the Trainer's
    warnings.simplefilter("ignore")
    transformers = pytest.importorskip("transformers")
    pytest.importorskip("accelerate")

import torch
from page import FRAMEWORK_WARNINGS, fresh_accelerate_state, run_section

import lrfunc as lf

pytestmark = FRAMEWORK_WARNINGS


class Recorder(transformers.TrainerCallback):
    """The LR each optimizer update uses (read just before it), per param group."""

    def __init__(self) -> None:
        self.lrs: list[list[float]] = []

    def on_pre_optimizer_step(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.lrs.append([group["lr"] for group in kwargs["optimizer"].param_groups])


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    fresh_accelerate_state()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path_factory.mktemp("hf"))
        yield run_section("HF Trainer (transformers)")


def args(page: dict[str, Any], out: Path, **kwargs: Any) -> Any:
    base = {"num_train_epochs": 2, "per_device_train_batch_size": 8, "learning_rate": 1e-2}
    return transformers.TrainingArguments(str(out), **{**base, **kwargs}, **page["quiet"])


def test_optimizers_pair_steps_once_per_update(page: dict[str, Any], tmp_path: Path) -> None:
    sched = lf.chain(lf.warmup(2), lf.cosine(14, end=0.1))
    assert page["scheduler"].schedules == {"lr": [sched]}
    model = page["TinyRegressor"]()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    scheduler = lf.Scheduler(opt, sched)
    recorder = Recorder()
    trainer = transformers.Trainer(
        model=model,
        args=args(page, tmp_path, save_strategy="no"),
        train_dataset=page["train"],
        optimizers=(opt, scheduler),
        callbacks=[recorder],
    )
    trainer.train()
    assert trainer.lr_scheduler is scheduler  # not wrapped
    assert scheduler.last_epoch == trainer.state.global_step == 16
    assert recorder.lrs == [[sched(k, 1e-2)] for k in range(16)]
    assert trainer._get_learning_rate() == sched(16, 1e-2)


def test_recipe_bound_in_create_scheduler(page: dict[str, Any], tmp_path: Path) -> None:
    bound = lf.chain(lf.warmup(1), lf.cosine(7, end=0.1))
    assert page["bound"] == {"lr": [bound, bound]}  # the Trainer's two param groups
    recorder = Recorder()
    trainer = page["RecipeTrainer"](
        model=page["TinyRegressor"](),
        args=args(page, tmp_path, gradient_accumulation_steps=2, save_strategy="no"),
        train_dataset=page["train"],
        callbacks=[recorder],
    )
    trainer.train()
    assert trainer.state.global_step == 8
    assert recorder.lrs == [[bound(k, 1e-2)] * 2 for k in range(8)]


def test_plateau_is_not_fed_without_the_callback(page: dict[str, Any], tmp_path: Path) -> None:
    losses = iter([1.0, 0.9, 0.95, 0.97])  # better, worse, worse

    class Feed(page["FeedPlateau"]):  # type: ignore[misc,name-defined]
        def on_evaluate(self, *args: Any, metrics: Any = None, **kwargs: Any) -> None:
            assert isinstance(metrics["eval_loss"], float)
            super().on_evaluate(*args, metrics={"eval_loss": next(losses)}, **kwargs)

    def train(callbacks: list[Any]) -> tuple[lf.Scheduler, list[list[float]]]:
        model = page["TinyRegressor"]()
        opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
        scheduler = lf.Scheduler(opt, lf.plateau(patience=0, factor=0.5))
        recorder = Recorder()
        trainer = transformers.Trainer(
            model=model,
            args=args(
                page, tmp_path, num_train_epochs=4, eval_strategy="epoch", save_strategy="no"
            ),
            train_dataset=page["train"],
            eval_dataset=page["train"],
            optimizers=(opt, scheduler),
            callbacks=[recorder, *callbacks],
        )
        trainer.train()
        return scheduler, recorder.lrs

    scheduler, lrs = train([])
    assert {lr for (lr,) in lrs} == {1e-2}  # four evaluations, never a metric
    assert scheduler.last_epoch == 32
    scheduler, lrs = train([Feed()])
    assert [lr for (lr,) in lrs[::8]] == [1e-2, 1e-2, 1e-2, 5e-3]
    assert scheduler.last_epoch == 32  # advance=0: evaluations are not counted
    assert scheduler.state_dict()["plateau"]["factor"] == [0.25]


def test_resume_from_checkpoint_continues_the_schedule(
    page: dict[str, Any], tmp_path: Path
) -> None:
    assert (Path("out") / "checkpoint-8" / "scheduler.pt").exists()  # the page's run
    full, resumed = Recorder(), Recorder()
    checkpoints = args(page, tmp_path, save_strategy="steps", save_steps=8)
    train = page["train"]
    page["RecipeTrainer"](
        model=page["TinyRegressor"](), args=checkpoints, train_dataset=train, callbacks=[full]
    ).train()
    saved = torch.load(tmp_path / "checkpoint-8" / "scheduler.pt", weights_only=True)
    assert saved["step"] == 8
    trainer = page["RecipeTrainer"](
        model=page["TinyRegressor"](), args=checkpoints, train_dataset=train, callbacks=[resumed]
    )
    trainer.train(resume_from_checkpoint=str(tmp_path / "checkpoint-8"))
    assert len(full.lrs) == 16
    assert resumed.lrs == full.lrs[8:]
    assert trainer.lr_scheduler.last_epoch == 16
