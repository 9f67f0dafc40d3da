# Quick start: `make run` opens lmstudio on the bundled corpus, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ifeq ($(OS),Windows_NT)
BIN    := $(VENV)/Scripts
endif
STAMP  := $(VENV)/.installed

.PHONY: run test bench lint clean translations

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

# translations: extract every tr() text of the window (and the settings' help, which are data) into the .ts
# sources with pyside6-lupdate, then compile them with pyside6-lrelease into the .qm catalogs the window loads.
# Translators edit resources/i18n/*.ts (Qt Linguist: pyside6-linguist); both files are committed.
TS_FILES := resources/i18n/lmstudio_zh_CN.ts
translations: $(STAMP)
	$(BIN)/python -m lmstudio.gui.i18n build/i18n/data_sources.py
	$(BIN)/pyside6-lupdate -extensions py -locations none -no-obsolete lmstudio/gui lmstudio/core/config.py lmstudio/core/inference/lens.py build/i18n/data_sources.py -ts $(TS_FILES)
	$(BIN)/pyside6-lrelease $(TS_FILES)

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
