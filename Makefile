# Quick start: `make run` opens lmstudio on the bundled corpus, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ifeq ($(OS),Windows_NT)
BIN    := $(VENV)/Scripts
endif
STAMP  := $(VENV)/.installed

.PHONY: run test bench lint clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/lmstudio

# lint: ruff's rules and formatting at the project's line length (pyproject), then the import layers
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

TEST_WORKERS := $(shell python3 -c "import os; print(min(4, (os.cpu_count() or 1) + 1))" 2>/dev/null || echo 2)

test: lint
	# bytecode is written (PYTHONDONTWRITEBYTECODE empty): the many processes the tests start (torchrun ranks, the
	# training child, the CLI) then import lmstudio without compiling it again, and pytest keeps its rewritten tests
	# one worker more than the cores (at most 4): GUI tests spend part of their time waiting on workers and
	# child processes, which another worker fills (measured on 2 cores: 3 workers 5:05, 2 workers 5:19)
	PYTHONDONTWRITEBYTECODE= QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n $(TEST_WORKERS)

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
