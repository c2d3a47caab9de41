# ChatVault — the two commands a fresh machine needs:  `make run`  and  `make test`.
# Everything else is installed by these targets, and only when missing.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP_RUN  := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test
STAMP_BENCH := $(VENV)/.installed-bench
STAMP_FUZZ := $(VENV)/.installed-fuzz
SHARED ?= ../shared

.PHONY: run test samples bench lint screenshots translations sysdeps sysdeps-test clean fuzz fuzz-atheris

run: sysdeps translations
	$(PY) -m chatvault

test: sysdeps-test translations
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

# Every real export in ../shared/samples must import (run by .ci/run when ../shared exists).
samples: $(STAMP_TEST)
	CHATVAULT_SAMPLES=$(abspath $(SHARED))/samples QT_QPA_PLATFORM=offscreen \
	  $(PY) -m pytest -q -p no:cacheprovider tests/samples_check.py

bench: $(STAMP_BENCH)
	$(PY) bench/run.py $(BENCH_ARGS)

# Parser fuzzing (RELIABILITY row 23): hypothesis with >= 2,000 examples per parser (WhatsApp,
# Telegram, WeChat content and protobuf readers); `make test` runs the same tests with a few dozen.
fuzz: $(STAMP_TEST)
	CHATVAULT_FUZZ_PROFILE=fuzz QT_QPA_PLATFORM=offscreen \
	  $(PY) -m pytest -q -p no:cacheprovider tests/test_parser_fuzz.py $(PYTEST_ARGS)

# Coverage-guided fuzzing with atheris, nightly-style: FUZZ_RUNS executions per parser; crashing
# inputs are saved under FUZZ_OUT. Installs the optional `fuzz` extra.
FUZZ_RUNS ?= 1000000
FUZZ_OUT ?= /tmp/chatvault-fuzz
fuzz-atheris: $(STAMP_FUZZ)
	@mkdir -p $(FUZZ_OUT); rc=0; \
	for t in whatsapp telegram wechat_content wechat_proto; do \
	  echo "== atheris: $$t ($(FUZZ_RUNS) runs, crashes in $(FUZZ_OUT))"; \
	  $(PY) tests/fuzz/fuzz_targets.py $$t -runs=$(FUZZ_RUNS) -artifact_prefix=$(FUZZ_OUT)/$$t- || rc=1; \
	done; exit $$rc

# Compile resources/translations/*.ts to .qm with pyside6-lrelease (shipped by PySide6-Essentials).
translations: $(STAMP_RUN)
	$(PY) -m chatvault.gui.i18n

# Render the main screens (demo archive, English and Chinese, dark theme) to docs/screenshots/*.png,
# then walk a new user's path on the real xcb platform under Xvfb (start, create, import a WeChat
# folder with its key, play a voice note, open a PDF, lock, wrong passphrase, unlock): walk-*.png.
screenshots: sysdeps-test translations
	QT_QPA_PLATFORM=offscreen $(PY) -m chatvault.gui.devtools.screenshots docs/screenshots
	$(PY) -m chatvault.gui.devtools.walk docs/screenshots --require-all

lint: $(STAMP_TEST)
	$(VENV)/bin/ruff check chatvault tests bench

# Qt's system libraries (what its xcb platform plugin cannot resolve, asked with ldd), CJK and emoji
# fonts, and for the tests Xvfb: packaging/sysdeps.sh installs only what is missing.
sysdeps: $(STAMP_RUN)
	@bash packaging/sysdeps.sh $(PY)

sysdeps-test: $(STAMP_TEST)
	@bash packaging/sysdeps.sh $(PY) --test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(STAMP_RUN): pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q -e '.[test]'
	touch $@ $(STAMP_RUN)

$(STAMP_BENCH): pyproject.toml $(STAMP_TEST)
	$(PIP) install -q -e '.[test,bench]'
	touch $@

$(STAMP_FUZZ): pyproject.toml $(STAMP_TEST)
	$(PIP) install -q -e '.[test,fuzz]'
	touch $@

clean:
	rm -rf $(VENV) build *.egg-info
