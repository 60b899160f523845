# Two entry points (see README): `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SHARED_CASES ?= ../shared/conformance/cases

.PHONY: demo test lint typecheck unit conformance bench docs clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,bench,docs]"
	touch $@

demo: $(VENV)/.installed
	$(PY) -m langchain_cometapi.demo

test: $(VENV)/.installed lint typecheck conformance docs unit

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check langchain_cometapi tests benchmarks examples

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

unit: $(VENV)/.installed
	$(VENV)/bin/pytest

conformance: $(VENV)/.installed
	@if [ -d "$(SHARED_CASES)" ]; then \
		$(PY) $(SHARED_CASES)/../check.py --dir $(SHARED_CASES) --python $(PY) > .conformance.log 2>&1; \
		status=$$?; grep -v '^PASS' .conformance.log | tail -n 20; exit $$status; \
	else echo "conformance cases not found at $(SHARED_CASES); skipped"; fi

# The documentation site, offline (no remote fonts or analytics); warnings fail the build.
docs: $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet

bench: $(VENV)/.installed
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) build dist site *.egg-info
