# Two entry points (see README): `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SHARED_CASES ?= ../shared/conformance/cases

.PHONY: demo test lint typecheck unit conformance bench docs clean record record-emulator mutation

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

# Re-recording the integration cassettes (cassettes/README.md). `make test` never does it: it
# only replays, offline, even with COMETAPI_KEY set.
record: $(VENV)/.installed
	@if [ -z "$$COMETAPI_KEY" ]; then echo "make record needs COMETAPI_KEY (live, billed traffic)"; exit 2; fi
	$(VENV)/bin/pytest tests/integration --record-cassettes=live

record-emulator: $(VENV)/.installed
	$(VENV)/bin/pytest tests/integration --record-cassettes=emulator

# Mutation testing (mutmut, from the `mutation` extra; not run by CI): each mutant of the
# conversion, transport and cache stages is run against the unit tests that cover it. The whole
# of those stages is ~9,500 mutants (hours on 2 cores); MUTATE names the bounded subset run by
# default (mutmut name globs). `make mutation MUTATE=` runs everything. Survivors are listed by
# `.venv/bin/mutmut results`; docs/testing-the-package.md says what was run and why each
# remaining survivor is equivalent.
MUTATE ?= langchain_cometapi._http.retry.* langchain_cometapi._http.sse.* \
	langchain_cometapi._http.client.*stream* langchain_cometapi._http.client.*events* \
	langchain_cometapi._wire.usage.* langchain_cometapi._wire.request.x__tool_results_first* \
	langchain_cometapi._wire.request.x__check_tool_pairs* langchain_cometapi.cache._pricing.* \
	langchain_cometapi._wire.response.* langchain_cometapi.cache._fallback.* \
	langchain_cometapi.cache._lookback.*
mutation: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[mutation]"
	rm -rf mutants
	$(VENV)/bin/mutmut run $(MUTATE)
	$(VENV)/bin/mutmut results

clean:
	rm -rf $(VENV) build dist site *.egg-info mutants
