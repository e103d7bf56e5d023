# Parley: `make run` starts the whole stack locally and opens a chat; `make test` runs every test.
# Both install what is missing first: a .venv (python3.12 where the machine has it, else the newest
# python3 >= 3.11) from requirements-dev.lock (every package pinned, hashes checked), and node_modules from
# package-lock.json.

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

.PHONY: help setup run test soak lint bench clean manifest lex-bot redrive lock add-dependency audit nlu trace misses replay \
	workflows

help:
	@echo "make run    start moto server, the Slack stand-in and serverless offline, then chat with the bot"
	@echo "           (CHANNEL=lex: talk to it as a Lex caller; VOICE=1: speak the replies with espeak-ng)"
	@echo "make test   lint and run every test (unit, functional, end to end, reliability, deploy)"
	@echo "make soak   the reliability suite's long mode: the full counts of RELIABILITY.md, 10,000+ fuzz examples"
	@echo "make bench  Parley vs Bolt-lazy and the floors: the ack cold and warm, end to end, size, cost"
	@echo "make nlu [FILE=path] [MIN=0.9]  how well the recogniser understands tests/nlu/ (or FILE): accuracy,"
	@echo "           confusions, what fell through; MIN makes it fail below that share"
	@echo "make clean  remove the venv, node_modules and local logs"
	@echo "make manifest STAGE=dev URL=https://...  print a deployed stage's Slack app manifest (YAML)"
	@echo "make lex-bot  regenerate lex/bot.yml, the Lex bot deployed with the stack, from intents/"
	@echo "make replay FILE=.parley/recordings/<run>.jsonl  drive a recorded conversation through the local stack"
	@echo "           again and diff the bot's Web API calls against the recording (exit 1 on a difference)"
	@echo "make redrive STAGE=dev [DRY_RUN=1] [MAX=N]  move a stage's dead-lettered jobs back to its jobs queue"
	@echo "make trace ID=<correlation id> [STAGE=dev] [HOURS=72]  every log line of one message, in order, with"
	@echo "           the time each step took and how it ended (local logs, or the stage's CloudWatch Logs)"
	@echo "make misses [STAGE=dev] [HOURS=336]  what people said that nothing understood, grouped and counted"
	@echo "make workflows STAGE=dev  the stage's open workflows: who asked, what, since when, what each waits for"
	@echo "           (STAGE=local: the running make run's)"
	@echo "make add-dependency PKG=name[==version] [DEV=1]  pin a package, lock both sets again, rebuild .venv"
	@echo "make lock [UPGRADE=1]  requirements*.txt -> requirements*.lock (PyPI, hashes); UPGRADE=1: newest allowed"
	@echo "make audit  known vulnerabilities in the locked Python packages and npm's production ones (allow-list:"
	@echo "            audit-allowlist.toml)"

# Exactly the files requirements-dev.lock names, by hash (pip itself included): nothing else can be installed
$(VENV)/.installed: requirements-dev.lock
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then echo "Parley needs Python >= 3.11 (3.12 preferred)" >&2; exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON_FOR_VENV) and installing requirements-dev.lock..." >&2
	@rm -rf $(VENV)
	@$(PYTHON_FOR_VENV) -m venv $(VENV)
	@$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock >&2
	@touch $@

node_modules/.installed: package.json package-lock.json
	@echo "Installing the Serverless toolchain (npm ci)..." >&2
	@npm ci --no-audit --no-fund --loglevel=error >&2
	@touch $@

# (and the packaged bytecode an interrupted `serverless package` left beside the sources: bot/tools/bytecode.py)
setup: $(VENV)/.installed node_modules/.installed
	@$(PY) -B -m bot.tools.bytecode

# The jobs a stage's dead-letter queue holds, back on its jobs queue once their cause is fixed (bot/tools/redrive.py).
# DRY_RUN=1 only lists them, MAX=N stops after N; AWS_ENDPOINT_URL=http://127.0.0.1:<port> aims it at a moto.
redrive: setup
	@if [ -z "$(STAGE)" ]; then \
	  echo "make redrive needs STAGE: make redrive STAGE=dev [DRY_RUN=1] [MAX=N]" >&2; \
	  exit 2; fi
	@$(PY) -m bot.tools.redrive --stage "$(STAGE)" $(if $(filter-out 0 no false,$(DRY_RUN)),--dry-run) $(if $(MAX),--max "$(MAX)")

# One message's path (bot/observability/trace.py): .parley/logs/ of `make run`, or STAGE's log groups (Logs Insights)
trace: $(VENV)/.installed
	@if [ -z "$(ID)" ]; then \
	  echo "make trace needs ID: make trace ID=<correlation id, the event_id> [STAGE=dev] (/trace in make run shows it)" >&2; \
	  exit 2; fi
	@$(PY) -m bot.observability.trace --id "$(ID)" $(if $(STAGE),--stage "$(STAGE)") $(if $(HOURS),--hours "$(HOURS)") \
	  $(if $(LOG_DIR),--log-dir "$(LOG_DIR)")

# What nothing understood, grouped (bot/observability/misses.py): the local logs, or STAGE's (its logMisses param)
misses: $(VENV)/.installed
	@$(PY) -m bot.observability.misses $(if $(STAGE),--stage "$(STAGE)") $(if $(HOURS),--hours "$(HOURS)") \
	  $(if $(LOG_DIR),--log-dir "$(LOG_DIR)")

# A stage's open workflows (bot/tools/workflows.py): who asked, what, since when, what each waits for, what looks
# stuck. STAGE=local reads the running `make run`'s moto; AWS_ENDPOINT_URL=http://127.0.0.1:<port> aims it at a moto.
workflows: $(VENV)/.installed
	@if [ -z "$(STAGE)" ]; then \
	  echo "make workflows needs STAGE: make workflows STAGE=dev (STAGE=local: the running make run)" >&2; \
	  exit 2; fi
	@$(PY) -m bot.tools.workflows --stage "$(STAGE)"

run: setup
	@$(PY) -m bot.local.run $(if $(CHANNEL),--channel $(CHANNEL)) $(if $(VOICE),--voice)

# A conversation the flight recorder kept (make run records each one in .parley/recordings/), driven again through
# a fresh local stack, the bot's Web API calls diffed against the recording (bot/observability/replay.py)
replay: setup
	@if [ -z "$(FILE)" ]; then \
	  echo "make replay needs FILE: make replay FILE=.parley/recordings/<run>.jsonl" >&2; \
	  exit 2; fi
	@$(PY) -m bot.observability.replay "$(FILE)"

lint: $(VENV)/.installed
	@$(VENV)/bin/ruff check .

test: setup lint
	@$(PY) -m pytest

# RELIABILITY.md's figures: the long counts, then the table
soak: setup
	@PARLEY_SOAK=1 $(PY) -m pytest tests/reliability
	@$(PY) -m tests.reliability.report

# The recogniser against an evaluation set: tests/nlu/ by default (tests/nlu/demo.yml describes the format)
nlu: $(VENV)/.installed
	@$(PY) -m tests.nlu.evaluate $(if $(FILE),"$(FILE)") $(if $(MIN),--min "$(MIN)")

# Parley vs Bolt's lazy-listener app and two floors: ack cold and warm, end to end, size, cost (bench/README.md)
bench: setup
	@$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules .parley .pytest_cache .ruff_cache

# The Slack app manifest of a deployed stage (YAML on stdout; `> manifest.yml` keeps it), from serverless.yml and
# the intents. URL is the stage's HTTP API URL, as deploy prints it (with /slack/events or without); STAGE one that
# serverless.yml has params for (a typo is refused).
manifest: setup
	@if [ -z "$(STAGE)" ] || [ -z "$(URL)" ]; then \
	  echo "make manifest needs STAGE and URL: make manifest STAGE=dev URL=https://<api id>.execute-api.<region>.amazonaws.com" >&2; \
	  exit 2; fi
	@$(PY) -m bot.tools.manifest --stage "$(STAGE)" --url "$(URL)"

# The Amazon Lex V2 bot (lex/bot.yml, included by serverless.yml) from the intents; run it after changing intents/.
# The tests fail while the file is stale.
lex-bot: $(VENV)/.installed
	@$(PY) -m bot.tools.lex_bot

# The locks (bot/tools/dependencies.py): requirements.txt -> requirements.lock (the Lambda zip), requirements-dev.txt
# -> requirements-dev.lock (.venv), every package pinned with its hashes, resolved from PyPI alone whatever this
# machine's pip configuration adds. Run it after editing a .txt (a test fails until then); UPGRADE=1 takes the
# newest releases the .txt files allow. .venv is rebuilt from the new lock.
lock: $(VENV)/.installed
	@$(PY) -m bot.tools.dependencies lock $(if $(filter-out 0 no false,$(UPGRADE)),--upgrade)
	@$(MAKE) setup

# One command adds a dependency: pinned in requirements.txt (DEV=1: requirements-dev.txt, for tools and tests), the
# newest release when PKG has no version, both sets locked again, .venv rebuilt. Commit the .txt and the .lock files.
add-dependency: $(VENV)/.installed
	@if [ -z "$(PKG)" ]; then \
	  echo "make add-dependency needs PKG: make add-dependency PKG=rapidfuzz[==3.14.3] [DEV=1]" >&2; \
	  exit 2; fi
	@$(PY) -m bot.tools.dependencies add "$(PKG)" $(if $(filter-out 0 no false,$(DEV)),--dev)
	@$(MAKE) setup

# Known vulnerabilities in both locks (pip-audit) and in npm's production dependencies, less audit-allowlist.toml's
# documented exceptions (bot/tools/audit.py). make test runs it too (tests/deploy/test_dependencies.py).
audit: $(VENV)/.installed
	@$(PY) -m bot.tools.audit
