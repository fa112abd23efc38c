"""docs/integrations.md, "PyTorch Lightning": its blocks run against the real Lightning,
then each recipe is trained again with a callback that records the LR of every update."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

with warnings.catch_warnings():  # the suite turns warnings into errors; not Lightning's
    warnings.simplefilter("ignore")
    pl = pytest.importorskip("lightning.pytorch")

import torch
from lightning.pytorch.plugins import MixedPrecision
from page import FRAMEWORK_WARNINGS, run_section

import lrfunc as lf

pytestmark = FRAMEWORK_WARNINGS


class Recorder(pl.Callback):
    """The LR each optimizer update uses (read just before it)."""

    def __init__(self) -> None:
        self.lrs: list[float] = []
        self.skipped: list[bool] = []  # with a GradScaler: the updates it skipped
        self.scaler: Any = None
        self.scale = 0.0

    def on_before_optimizer_step(self, trainer: Any, pl_module: Any, optimizer: Any) -> None:
        self.lrs.append(optimizer.param_groups[0]["lr"])
        self.scaler = getattr(trainer.precision_plugin, "scaler", None)
        if self.scaler is not None:
            self.scale = self.scaler.get_scale()

    def on_train_batch_end(self, trainer: Any, *args: Any) -> None:
        if self.scaler is not None and self.scale:  # an update was made in this batch
            self.skipped.append(self.scaler.get_scale() < self.scale)
            self.scale = 0.0


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path_factory.mktemp("lightning"))
        yield run_section("PyTorch Lightning")


def fit(page: dict[str, Any], model: Any, **kwargs: Any) -> tuple[Any, list[float]]:
    recorder = kwargs.pop("recorder", Recorder())
    callbacks = [recorder, *kwargs.pop("callbacks", [])]
    val, ckpt = kwargs.pop("val", None), kwargs.pop("ckpt", None)
    trainer = pl.Trainer(callbacks=callbacks, **page["quiet"], **kwargs)
    trainer.fit(model, page["loader"], val, ckpt_path=ckpt)
    return trainer, recorder.lrs


def scheduler_of(trainer: Any) -> lf.Scheduler:
    scheduler = trainer.lr_scheduler_configs[0].scheduler
    assert isinstance(scheduler, lf.Scheduler)
    return scheduler


def test_interval_step_steps_once_per_update(page: dict[str, Any]) -> None:
    assert page["scheduler"].last_epoch == 32
    trainer, lrs = fit(page, page["LitRegressor"](), max_epochs=4)
    sched = lf.chain(lf.warmup(4), lf.cosine(28, end=0.1))
    assert trainer.global_step == 32
    assert lrs == [sched(k, 1e-2) for k in range(32)]
    assert scheduler_of(trainer).get_last_lr() == [sched(32, 1e-2)]


def test_recipe_is_bound_to_estimated_stepping_batches(page: dict[str, Any]) -> None:
    bound = lf.chain(lf.warmup(1), lf.cosine(15, end=0.1))
    assert page["bound"] == {"lr": [bound]}
    trainer, lrs = fit(page, page["LitRecipe"](), max_epochs=4, accumulate_grad_batches=2)
    assert trainer.global_step == 16
    assert lrs == [bound(k, 1e-2) for k in range(16)]
    # max_steps instead of epochs: the same recipe, bound to 10 updates.
    trainer, lrs = fit(page, page["LitRecipe"](), max_steps=10)
    assert scheduler_of(trainer).schedules == {
        "lr": [lf.chain(lf.warmup(1), lf.cosine(9, end=0.1))]
    }
    assert lrs == [scheduler_of(trainer).schedules["lr"][0](k, 1e-2) for k in range(10)]


VAL = [1.0, 0.9, 0.95, 0.97, 0.5, 0.6]  # better, worse, worse, better, worse


def with_metrics(cls: Any) -> Any:
    class Fixed(cls):  # type: ignore[misc,valid-type]
        def validation_step(self, batch: Any, batch_idx: int) -> None:
            self.log("val_loss", VAL[self.current_epoch])

    return Fixed


def test_plateau_with_reduce_on_plateau_equals_torchs(page: dict[str, Any]) -> None:
    class TorchPlateau(page["LitRegressor"]):  # type: ignore[misc,name-defined]
        def configure_optimizers(self) -> Any:
            opt = torch.optim.AdamW(self.parameters(), lr=self.lr)
            scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, factor=0.5)
            return {
                "optimizer": opt,
                "lr_scheduler": {"scheduler": scheduler, "monitor": "val_loss"},
            }

    calls: list[tuple[Any, ...]] = []
    step = lf.Scheduler.step

    def spy(self: lf.Scheduler, *args: Any, **kwargs: Any) -> None:
        calls.append((args, kwargs))
        step(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(lf.Scheduler, "step", spy)
        _, ours = fit(page, with_metrics(page["LitPlateau"])(), max_epochs=6, val=page["loader"])
    _, torchs = fit(page, with_metrics(TorchPlateau)(), max_epochs=6, val=page["loader"])
    per_epoch = ours[::8]
    assert per_epoch == [1e-2, 1e-2, 1e-2, 5e-3, 2.5e-3, 2.5e-3]
    assert ours == torchs
    # What Lightning passes: the monitored value, a 0-dim tensor, once per epoch.
    assert [float(args[0]) for args, _ in calls] == pytest.approx(VAL)
    assert all(isinstance(args[0], torch.Tensor) and not kwargs for args, kwargs in calls)


def test_plateau_without_reduce_on_plateau_is_never_fed(page: dict[str, Any]) -> None:
    class Unflagged(with_metrics(page["LitPlateau"])):  # type: ignore[misc]
        def configure_optimizers(self) -> Any:
            config = super().configure_optimizers()
            del config["lr_scheduler"]["reduce_on_plateau"]
            return config

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer, lrs = fit(page, Unflagged(), max_epochs=6, val=page["loader"])
    about = [w for w in caught if "monitor" in str(w.message) or "lateau" in str(w.message)]
    assert not about  # nothing says the metric is left unused
    assert set(lrs) == {1e-2}
    assert scheduler_of(trainer).last_epoch == 6  # step() once per epoch, no metric


class InfAt:
    """A loss made infinite at one batch: the GradScaler skips that update."""

    def __init__(self, batch: int) -> None:
        self.batch = batch

    def __call__(self, cls: Any) -> Any:
        at = self.batch

        class Blown(cls):  # type: ignore[misc,valid-type]
            def training_step(self, batch: Any, batch_idx: int) -> Any:
                loss = super().training_step(batch, batch_idx)
                return loss * float("inf") if batch_idx == at else loss

        return Blown


def test_amp_skipped_update_holds_the_schedule(page: dict[str, Any]) -> None:
    assert page["trainer"] is not None  # the page's own float16 run went through
    sched = lf.chain(lf.warmup(4), lf.cosine(28, end=0.1))
    amp = {"max_epochs": 2, "plugins": [MixedPrecision("16-mixed", "cpu")]}
    recorder = Recorder()
    trainer, lrs = fit(page, InfAt(3)(page["LitAMP"])(), recorder=recorder, **amp)
    # The scaler skips the update with the infinite loss (and, with its initial scale of
    # 2**16, float16 gradients may overflow on others): each skip holds the schedule.
    skipped = recorder.skipped
    assert len(skipped) == trainer.global_step == 16  # Lightning counts skipped updates
    assert skipped[3]
    made = [sum(not s for s in skipped[:i]) for i in range(16)]
    assert lrs == [sched(k, 1e-2) for k in made]
    assert scheduler_of(trainer).last_epoch == 16 - sum(skipped)
    # Without the override the schedule moves on over a skipped update.
    recorder = Recorder()
    trainer, lrs = fit(page, InfAt(3)(page["LitRegressor"])(), recorder=recorder, **amp)
    assert recorder.skipped[3]
    assert scheduler_of(trainer).last_epoch == 16
    assert lrs == [sched(k, 1e-2) for k in range(16)]


def test_lr_find_then_fit_schedules_from_the_suggestion(page: dict[str, Any]) -> None:
    suggested, model = page["suggested"], page["model"]
    assert suggested == page["finder"].suggestion() != 1e-2
    scheduler = scheduler_of(model.trainer)  # the page's fit after lr_find
    assert scheduler.base_lrs == [suggested]
    assert scheduler.last_epoch == 32
    assert scheduler.get_last_lr() == [scheduler.schedules["lr"][0](32, suggested)]
    # Again with a recorder on the fit (no early stop: the sweep always has its points).
    torch.manual_seed(0)
    model = page["LitRecipe"]()
    trainer = pl.Trainer(max_epochs=4, **page["quiet"])
    tuner = page["Tuner"](trainer)
    finder = tuner.lr_find(model, page["loader"], num_training=20, early_stop_threshold=None)
    assert model.lr == finder.suggestion() is not None
    recorder = Recorder()
    trainer.callbacks.append(recorder)
    trainer.fit(model, page["loader"])
    scheduler = scheduler_of(trainer)
    sched = scheduler.schedules["lr"][0]
    assert scheduler.base_lrs == [model.lr]
    assert recorder.lrs == [sched(k, model.lr) for k in range(32)]


def test_checkpoint_resume_continues_the_schedule(page: dict[str, Any], tmp_path: Any) -> None:
    assert os.path.exists("ckpt/epoch=1-step=16.ckpt")
    from lightning.pytorch.callbacks import ModelCheckpoint

    every_epoch = ModelCheckpoint(dirpath=tmp_path, save_top_k=-1, every_n_epochs=1)
    _, full = fit(page, page["LitRecipe"](), max_epochs=4, callbacks=[every_epoch])
    ckpt = torch.load(tmp_path / "epoch=1-step=16.ckpt", weights_only=False)
    assert ckpt["lr_schedulers"][0]["step"] == 16
    trainer, resumed = fit(
        page, page["LitRecipe"](), max_epochs=4, ckpt=tmp_path / "epoch=1-step=16.ckpt"
    )
    assert len(full) == 32
    assert resumed == full[16:]
    assert scheduler_of(trainer).last_epoch == 32
