"""One process of test_accelerate's 2-process run (started by torch.distributed.run).

Trains 4 batches of 8 samples with a prepared ``lf.Scheduler`` and prints, as JSON, the
number of optimizer updates this process made and the scheduler's step, to
``OUT/rank<i>.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch
from torch.utils.data import DataLoader, TensorDataset

import lrfunc as lf


def main(split: bool, out: Path) -> None:
    # Imported here: the main suite's --doctest-modules imports this file without accelerate.
    from accelerate import Accelerator, DataLoaderConfiguration

    torch.manual_seed(0)
    model = torch.nn.Linear(4, 1)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    loader = DataLoader(TensorDataset(torch.randn(32, 4), torch.randn(32, 1)), batch_size=8)
    config = DataLoaderConfiguration(split_batches=split)
    accelerator = Accelerator(cpu=True, dataloader_config=config)
    prepared = accelerator.prepare(model, opt, loader, lf.Scheduler(opt, lf.cosine(100)))
    model, opt, loader, scheduler = prepared
    updates = 0
    for x, y in loader:
        accelerator.backward(torch.nn.functional.mse_loss(model(x), y))
        opt.step()
        scheduler.step()
        opt.zero_grad()
        updates += 1
    report = {
        "processes": accelerator.num_processes,
        "updates": updates,
        "step": scheduler.scheduler.last_epoch,
        "lr": opt.param_groups[0]["lr"],
    }
    (out / f"rank{accelerator.process_index}.json").write_text(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1] == "split", Path(sys.argv[2]))
