# Two commands a newcomer needs: `make run` (serve the bundled corpus) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
SIZE ?= 1000
# A labelled set of real releases (docs/ and labels.json) that `make quality` scores extraction on.
QUALITY_SET ?= ../shared/realworld
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install browser index run test reliability bench quality

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

# Debian's Chromium, for the browser tests (Playwright cannot download its own here).
browser:
	@command -v chromium >/dev/null || ($(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null)

index: install
	$(VENV)/bin/release-search index corpus --index-dir index

run: install
	@[ -f index/CURRENT ] || $(VENV)/bin/release-search index corpus --index-dir index || [ -f index/CURRENT ]
	$(VENV)/bin/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) 'webapp:create_app()'

test: install browser
	$(PY) -m pytest

reliability: install browser
	$(PY) -m reliability --long

bench: install
	$(PY) -m bench.run --size $(SIZE)

quality: install
	$(PY) -m bench.quality --set $(QUALITY_SET)
