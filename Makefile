# The two commands in README.md: `make site` builds, `make test` tests.
# Each sets up its own environment in .venv/ first (pinned by constraints.txt).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site test validate lock clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

## Validate the data and render _site/ (Quarto if installed, else the built-in engine).
site: $(STAMP)
	$(BIN)/ibsa-report build

## Run the whole test suite; pytest's "no tests ran" (exit 5) fails like any other error.
test: $(STAMP)
	$(BIN)/pytest

validate: $(STAMP)
	$(BIN)/ibsa-report validate

## Re-pin constraints.txt from a fresh environment after changing pyproject.toml.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	{ printf '# Pinned versions for reproducible builds (pip constraints file).\n# Regenerate after changing dependencies in pyproject.toml:  make lock\n'; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e'; } > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .pytest_cache
