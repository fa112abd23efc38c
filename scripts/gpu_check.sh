#!/usr/bin/env bash
# The GPU checks of lrfunc in one go (< 5 minutes on one GPU): the CUDA tests (CUDA-graph
# capture and replay of a whole training step, reduce-overhead compile, no host syncs),
# then the GPU section of the compile benchmark. Run from the repository root after
# `make .venv/.installed` with a CUDA build of torch (TORCH=torch==2.13.0 from a CUDA index).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
$PY -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print(torch.__version__, torch.cuda.get_device_name())"
echo "== CUDA tests"
timeout 240 $PY -m pytest tests/test_cuda.py -m cuda -q -p no:cacheprovider -rs
echo "== GPU benchmark: CUDA-graph replay, schedule vs constant lr"
timeout 120 $PY -m bench.bench_compile --gpu-only --reps 11 --block 200
