# Quick start: `make demo` (database, sample plan, API) and `make test` (lint + tests).
PYTHON ?= python3
VENV := .venv
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint system-deps clean-db

WEB := web/node_modules/.package-lock.json

$(INSTALLED): pyproject.toml scripts/install-system-deps
	scripts/install-system-deps
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

# The viewer's front-end packages, from the npm registry, served locally (no CDN).
$(WEB): web/package.json web/package-lock.json $(INSTALLED)
	npm ci --prefix web --no-audit --no-fund --loglevel=error

system-deps:
	scripts/install-system-deps

demo: $(INSTALLED) $(WEB)
	$(VENV)/bin/mukhattat demo

test: $(INSTALLED) $(WEB)
	scripts/test

lint: $(INSTALLED)
	scripts/lint

clean-db:
	-$(VENV)/bin/mukhattat db down
	rm -rf .mukhattat
