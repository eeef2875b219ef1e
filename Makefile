# The two commands: `make run` and `make test`. Both install what is missing first.
INI ?= development.ini
VENV := .venv
STAMPS := .make
# postgresql-client-15 (Debian 12's): pg_dump and pg_restore, which back up and restore a
# PostgreSQL site.
DEBIAN_PACKAGES := apache2 libapache2-mod-svn libapache2-mod-wsgi-py3 \
	subversion python3-subversion python3-venv python3-dev libsvn-dev openssl ssl-cert \
	postgresql-client-15
# Only the tests run these: the headless browser and its driver (tests/browser), sqlite3
# (integrity checks), ip (network namespaces), mount (a small tmpfs: a real full disk),
# setpriv and unshare (util-linux).
TEST_DEBIAN_PACKAGES := chromium chromium-driver sqlite3 iproute2 mount util-linux strace
# Only the benchmark needs this: the HTTP load generator.
BENCH_DEBIAN_PACKAGES := wrk
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install debian-packages bench peer-test

run: install
	exec $(VENV)/bin/devjavu-admin -c $(INI) serve

# The whole suite in two streams at once, each in two processes (pytest-xdist): the
# tests that run in-process (unit, functional; their report is printed when they end)
# beside those that drive the real Apache (a test file whole in one process, each with
# its own site), whose time goes mostly in waiting on it; then the minutes of load
# (marked slow) alone, so that they measure the site and not the other tests.
test: install
	@$(MAKE) --no-print-directory debian-packages DEBIAN_PACKAGES="$(TEST_DEBIAN_PACKAGES)"
	$(VENV)/bin/ruff check devjavu tests migrations
	@mkdir -p $(STAMPS); log=$(STAMPS)/in-process-tests.log; \
	$(VENV)/bin/python -m pytest tests/unit tests/functional -n 2 > $$log 2>&1 & \
	in_process=$$!; \
	trap 'kill $$in_process 2>/dev/null' INT TERM; \
	$(VENV)/bin/python -m pytest tests/browser tests/integration -m "not slow" \
	  -n 2 --dist loadfile; served=$$?; \
	wait $$in_process; in_process_status=$$?; cat $$log; \
	$(VENV)/bin/python -m pytest tests/integration -m slow; slow=$$?; \
	echo "make test: unit+functional exit $$in_process_status, integration+browser exit $$served, slow exit $$slow"; \
	test $$in_process_status = 0 -a $$served = 0 -a $$slow = 0

# Our site against bare baselines, written to BENCHMARKS.md (up to 30 minutes; not part
# of `make test`). `.venv/bin/python -m bench.run --quick` is a smoke run of a few minutes.
bench: install
	@$(MAKE) --no-print-directory debian-packages DEBIAN_PACKAGES="$(BENCH_DEBIAN_PACKAGES)"
	$(VENV)/bin/python -m bench.run

# Subversion's own cmdline suites (from Debian's source package of the installed
# version) against our rendered Apache config, public and private; as root, not part of
# `make test` (see README). PEER_ARGS, e.g. `--suites lock --modes public`.
peer-test: install
	@$(MAKE) --no-print-directory debian-packages DEBIAN_PACKAGES="dpkg-dev gcc pkg-config"
	$(VENV)/bin/python -m tests.peer.run $(PEER_ARGS)

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
