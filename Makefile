# Parley: `make run` starts the whole stack locally and opens a chat; `make test` runs every test.
# Both install what is missing first: a .venv (python3.12 where the machine has it, else the newest
# python3 >= 3.11) with requirements-dev.txt, and node_modules from package-lock.json.

SHELL := /bin/bash
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV := .venv
PY := $(VENV)/bin/python
# python3.12 first (the Lambda runtime), then pyenv's 3.12, then the newest python3 >= 3.11
PYTHON_FOR_VENV ?= $(shell for p in python3.12 $$(pyenv root 2>/dev/null)/versions/3.12*/bin/python3.12 \
	python3.13 python3.11 python3; do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; \
	  then echo $$p; break; fi; done)

.PHONY: help setup run test lint bench clean manifest lex-bot

help:
	@echo "make run    start moto server, the Slack stand-in and serverless offline, then chat with the bot"
	@echo "           (CHANNEL=lex: talk to it as a Lex caller; VOICE=1: speak the replies with espeak-ng)"
	@echo "make test   lint and run every test (unit, functional, end to end)"
	@echo "make bench  time the Slack ack against its floor"
	@echo "make clean  remove the venv, node_modules and local logs"
	@echo "make manifest STAGE=dev URL=https://...  print a deployed stage's Slack app manifest (YAML)"
	@echo "make lex-bot  regenerate lex/bot.yml, the Lex bot deployed with the stack, from intents/"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then echo "Parley needs Python >= 3.11 (3.12 preferred)" >&2; exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON_FOR_VENV) and installing requirements..." >&2
	@rm -rf $(VENV)
	@$(PYTHON_FOR_VENV) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip >&2
	@$(PY) -m pip install --quiet -r requirements-dev.txt >&2
	@touch $@

node_modules/.installed: package.json package-lock.json
	@echo "Installing the Serverless toolchain (npm ci)..." >&2
	@npm ci --no-audit --no-fund --loglevel=error >&2
	@touch $@

setup: $(VENV)/.installed node_modules/.installed

run: setup
	@$(PY) -m bot.local.run $(if $(CHANNEL),--channel $(CHANNEL)) $(if $(VOICE),--voice)

lint: $(VENV)/.installed
	@$(VENV)/bin/ruff check .

test: setup lint
	@$(PY) -m pytest

bench: setup
	@$(PY) bench/ack.py

clean:
	rm -rf $(VENV) node_modules .parley .pytest_cache .ruff_cache

# The Slack app manifest of a deployed stage (YAML on stdout; `> manifest.yml` keeps it), from serverless.yml and
# the intents. URL is the stage's HTTP API base URL, without the /slack/events route.
manifest: setup
	@if [ -z "$(STAGE)" ] || [ -z "$(URL)" ]; then \
	  echo "make manifest needs STAGE and URL: make manifest STAGE=dev URL=https://<api id>.execute-api.<region>.amazonaws.com" >&2; \
	  exit 2; fi
	@$(PY) -m bot.manifest --stage "$(STAGE)" --url "$(URL)"

# The Amazon Lex V2 bot (lex/bot.yml, included by serverless.yml) from the intents; run it after changing intents/.
# The tests fail while the file is stale.
lex-bot: $(VENV)/.installed
	@$(PY) -m bot.lex_bot
