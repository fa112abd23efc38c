# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# A pinned torch: the CPU build of this release lies on the development machines' disk;
# an unpinned torch would pull a multi-GB CUDA build. The package itself accepts torch>=2.4.
TORCH ?= torch==2.13.0
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck bench gpu-check clean fidelity test-peers test-integrations gallery

$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check "$(TORCH)"
	$(PY) -m pip install -q --disable-pip-version-check -e ".[dev]" "$(TORCH)"
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m lrfunc.demo

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check lrfunc tests bench examples scripts
	$(VENV)/bin/ruff format --check lrfunc tests bench examples scripts

typecheck: $(STAMP)
	$(VENV)/bin/pyright

clean:
	rm -rf $(VENV) $(PEERS) $(INTEGRATIONS) build *.egg-info .pytest_cache

bench: $(STAMP)
	$(PY) -m bench.run

# docs/gallery.md and docs/gallery/*.png, a picture of every public schedule (commit them).
gallery: $(STAMP)
	$(PY) -m scripts.gallery

# On a machine with a CUDA GPU: the CUDA-graph tests and the GPU benchmark (< 5 min).
gpu-check: $(STAMP)
	scripts/gpu_check.sh

# The conventions pages checked against the peer libraries themselves (tests/fidelity/).
# Its own environment, never part of `make test` or CI: the peers are large. timm and
# Composer go in without their dependencies: both pull a torchvision (a CUDA build, which
# cannot load beside the CPU torch) and Composer pins torch<2.7; the tests load their
# scheduler modules from source (tests/fidelity/peers.py).
PEERS := .venv-peers
PEERS_STAMP := $(PEERS)/.installed

$(PEERS_STAMP): pyproject.toml Makefile
	test -x $(PEERS)/bin/python || $(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/python -m pip install -q --disable-pip-version-check "$(TORCH)"
	$(PEERS)/bin/python -m pip install -q --disable-pip-version-check -e ".[test,peers]" "$(TORCH)"
	$(PEERS)/bin/python -m pip install -q --disable-pip-version-check --no-deps timm==1.0.31 mosaicml==0.32.1
	touch $(PEERS_STAMP)

fidelity: $(PEERS_STAMP)
	KERAS_BACKEND=torch $(PEERS)/bin/python -m pytest -p no:cacheprovider -o addopts="" -q -rsx tests/fidelity

# The name issue 14 asked for.
test-peers: fidelity

# docs/integrations.md run against the real PyTorch Lightning, HF Trainer and accelerate
# (tests/integrations/), CPU only, a few minutes. Its own environment, never part of
# `make test` or CI; the frameworks go in on the same pip line as the pinned torch, so
# none of them can pull another torch.
INTEGRATIONS := .venv-integrations
INTEGRATIONS_STAMP := $(INTEGRATIONS)/.installed
INTEGRATIONS_PINS := lightning==2.6.6 transformers==5.24.0 accelerate==1.16.0

$(INTEGRATIONS_STAMP): pyproject.toml Makefile
	test -x $(INTEGRATIONS)/bin/python || $(PYTHON) -m venv $(INTEGRATIONS)
	$(INTEGRATIONS)/bin/python -m pip install -q --disable-pip-version-check "$(TORCH)"
	$(INTEGRATIONS)/bin/python -m pip install -q --disable-pip-version-check -e ".[test]" "$(TORCH)" $(INTEGRATIONS_PINS)
	touch $(INTEGRATIONS_STAMP)

test-integrations: $(INTEGRATIONS_STAMP)
	$(INTEGRATIONS)/bin/python -m pytest -p no:cacheprovider -o addopts="" -q -rsx tests/integrations
