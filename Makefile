# Two commands set up a fresh Debian 12 machine: `make demo` and `make test`.
# Every install step lives here; each is skipped when already done.

SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
SOHOA := $(VENV)/bin/sohoa
DATA_DIR ?= var
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages sohoa needs at run time (deploy/Dockerfile installs the same list).
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-osd \
	poppler-utils unpaper ghostscript fonts-liberation2 fonts-dejavu-core \
	fonts-freefont-ttf
# npm and python3-venv are installed only when missing: a machine may have them from elsewhere
# (Node.js from NodeSource, whose npm conflicts with Debian's; a Python with venv built in).
# Only the test suite needs these (deploy/ script lint; the web app's real-browser test, driven by
# Playwright through executable_path: no browser download; Andika, the held-out hand of the
# sample generator's forms, samples/forms.py).
TEST_APT_PACKAGES := shellcheck chromium fonts-sil-andika
# The web app serves HTMX itself (no CDN): installed from the npm registry into its static dir.
HTMX_VERSION := 2.0.4
WEB_VENDOR := sohoa/web/static/vendor

.PHONY: install system venv tessdata webassets demo test test-fast lint bench model clean

install: system venv tessdata webassets

system: $(VENV)/.system-stamp
$(VENV)/.system-stamp: Makefile
	@missing=$$(for p in $(APT_PACKAGES) $(TEST_APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done; \
	  command -v npm >/dev/null || echo npm; \
	  python3 -m venv --help >/dev/null 2>&1 || echo python3-venv); \
	if [ -n "$$missing" ]; then \
	  echo "apt: installing $$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@mkdir -p $(VENV) && touch $@

venv: $(VENV)/.venv-stamp
$(VENV)/.venv-stamp: pyproject.toml $(VENV)/.system-stamp
	@[ -x $(PY) ] || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,bench]'
	@touch $@

tessdata: $(VENV)/.tessdata-stamp
$(VENV)/.tessdata-stamp: $(VENV)/.venv-stamp
	$(PY) -m ocr.tessdata install $(DATA_DIR)/tessdata
	@touch $@

webassets: $(WEB_VENDOR)/htmx.min.js
$(WEB_VENDOR)/htmx.min.js: Makefile $(VENV)/.system-stamp
	@mkdir -p $(VENV)/npm $(WEB_VENDOR)
	npm install --silent --no-audit --no-fund --prefix $(VENV)/npm htmx.org@$(HTMX_VERSION)
	cp $(VENV)/npm/node_modules/htmx.org/dist/htmx.min.js $@

demo: install
	$(SOHOA) demo

test: install
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q

test-fast: install
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q -m 'not slow'

lint: venv
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

bench: install
	$(PY) bench/ocr.py
	$(PY) bench/classify.py
	$(PY) bench/rates.py
	$(PY) bench/backfill.py
	$(PY) bench/web.py

model: venv
	$(SOHOA) train

clean:
	rm -rf $(DATA_DIR)
