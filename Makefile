# Quick start: `make demo` (database, sample plan, API) and `make test` (lint + tests).
PYTHON ?= python3
VENV := .venv
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint system-deps clean-db

$(INSTALLED): pyproject.toml scripts/install-system-deps
	scripts/install-system-deps
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

system-deps:
	scripts/install-system-deps

demo: $(INSTALLED)
	$(VENV)/bin/mukhattat demo

test: $(INSTALLED)
	scripts/test

lint: $(INSTALLED)
	scripts/lint

clean-db:
	-$(VENV)/bin/mukhattat db down
	rm -rf .mukhattat
