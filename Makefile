# One command per chore. `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Offline, always: no process started from here may reach a model hub or analytics endpoint.
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 \
       GRADIO_ANALYTICS_ENABLED=False ORT_DISABLE_TELEMETRY=1 ANONYMIZED_TELEMETRY=False

.PHONY: setup browser axe dovecot run chat index test eval eval-checked fit fit-asking fit-related vectors eval-holdout bench bench-inbox load staff clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@

setup: $(BIN)/.installed          ## create .venv and install the project with its test tools

run: setup                         ## start the Gradio app on http://127.0.0.1:7860
	$(BIN)/python app.py

chat: setup                        ## a question prompt in the terminal
	$(BIN)/assistant chat

index: setup                       ## build the index if the corpus changed, and report it
	$(BIN)/assistant index

browser:                           ## Debian's chromium for the browser tests (installed when run as root)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's chromium for the browser tests (about 25 s)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else \
	    echo "The browser tests need Debian's chromium: run  sudo apt-get install -y chromium chromium-driver  then make test again."; \
	    exit 1; \
	  fi; }

AXE := node_modules/axe-core/axe.min.js

axe:                               ## axe-core (pinned in package.json) for the accessibility tests, from the npm registry
	@test -f $(AXE) || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    command -v npm >/dev/null 2>&1 || { echo "installing Debian's nodejs and npm"; \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }; \
	    echo "installing axe-core for the accessibility tests (npm ci, into ./node_modules)"; \
	    npm ci --no-audit --no-fund --ignore-scripts --loglevel=error; \
	  else \
	    echo "The accessibility tests need axe-core: run  npm ci  here (Node.js and npm: sudo apt-get install -y nodejs npm) then make test again."; \
	    exit 1; \
	  fi; }

dovecot:                           ## Debian's dovecot-imapd for the inbox tests (installed when run as root)
	@command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's dovecot-imapd for the inbox tests (about 10 s)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null; \
	  else \
	    echo "The inbox tests need Debian's dovecot-imapd: run  sudo apt-get install -y dovecot-imapd  then make test again."; \
	    exit 1; \
	  fi; }

test: setup browser axe dovecot    ## the whole test suite, then the eval gate
	$(BIN)/python -m pytest -q
	$(BIN)/python -m eval

# make eval EVAL_HISTORY=eval-history.csv  appends one row of figures to that CSV (opt-in, see README)
# make eval EVAL_ARGS=--no-baseline        any other flags of `python -m eval`
eval: setup                        ## the gate on eval/questions.jsonl (report.md/.html), then every set side by side (eval/sets.md), then an added document (eval/added)
	$(BIN)/python -m eval $(if $(EVAL_HISTORY),--history "$(EVAL_HISTORY)") $(EVAL_ARGS)
	$(BIN)/python -m eval.sets
	$(BIN)/python -m eval.added

eval-checked: setup                ## after reviewing the cases against a changed guidance: record it in eval/checked.json
	$(BIN)/python -m eval --mark-checked

fit: setup                         ## refit the answer/decline decision on the eval and development sets (assistant/data/decision.json)
	$(BIN)/python -m eval.fit

fit-asking: setup                ## refit the model that hears which e-mail sentences ask (assistant/data/asking.json)
	$(BIN)/python -m eval.fit_asking

fit-related: setup               ## refit the floor for the sections offered on a decline (assistant/data/related.json)
	$(BIN)/python -m eval.fit_related

vectors: setup                     ## after changing the bundled guidance or its example questions: re-embed them into assistant/data/vectors
	$(BIN)/python scripts/ship_vectors.py

eval-holdout: setup                ## held-out questions (never tuned to): does tuning generalise?
	$(BIN)/python -m eval --cases eval/holdout.jsonl --out test-artifacts/holdout --no-baseline --no-gate

bench: setup dovecot               ## scaling 1x/10x/100x, cold start, memory, side by side with the LangChain baseline; then bench-inbox
	$(BIN)/python -m bench
	$(BIN)/python -m bench.inbox

bench-inbox: setup dovecot         ## assistant inbox on 500 e-mails: a Maildir, then IMAP against a local Dovecot
	$(BIN)/python -m bench.inbox

load: setup                        ## 50 concurrent API clients for 60 s against app.py (figures, not a test)
	$(BIN)/python -m bench.load

staff: setup                       ## the support team's app (reply drafts), http://127.0.0.1:7861
	$(BIN)/python staff_app.py

clean:                             ## remove the venv and the data directory
	rm -rf $(VENV) .assistant test-artifacts node_modules
