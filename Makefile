# The two commands: `make run` and `make test`. Both install what is missing first.
INI ?= development.ini
VENV := .venv
STAMPS := .make
DEBIAN_PACKAGES := apache2 libapache2-mod-svn libapache2-mod-wsgi-py3 subversion \
	python3-subversion python3-venv python3-dev libsvn-dev openssl ssl-cert
# Only the tests need these: the headless browser and its driver for tests/browser.
TEST_DEBIAN_PACKAGES := chromium chromium-driver
# Only the benchmark needs this: the HTTP load generator.
BENCH_DEBIAN_PACKAGES := wrk
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install debian-packages bench

run: install
	exec $(VENV)/bin/devjavu-admin -c $(INI) serve

test: install
	@$(MAKE) --no-print-directory debian-packages DEBIAN_PACKAGES="$(TEST_DEBIAN_PACKAGES)"
	$(VENV)/bin/ruff check devjavu tests migrations
	$(VENV)/bin/python -m pytest tests

# Our site against bare baselines, written to BENCHMARKS.md (up to 20 minutes; not part
# of `make test`). `.venv/bin/python -m bench.run --quick` is a smoke run of a few minutes.
bench: install
	@$(MAKE) --no-print-directory debian-packages DEBIAN_PACKAGES="$(BENCH_DEBIAN_PACKAGES)"
	$(VENV)/bin/python -m bench.run

install: debian-packages $(STAMPS)/venv

debian-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y $$missing; \
	fi

# Debian's python3 with --system-site-packages: Trac needs Debian's Subversion bindings.
$(STAMPS)/venv: setup.py
	test -x $(VENV)/bin/python || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	@mkdir -p $(STAMPS) && touch $@
