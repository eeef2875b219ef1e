"""The real Apache on a fresh, empty site, and a headless Chromium to drive it."""
import os
import shutil

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.support.apache import RunningApache, RunningSite, admin
from tests.support.sitedir import SiteDir

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

CHROMIUM_ARGUMENTS = [
    "--headless=new",
    "--no-sandbox",                  # the tests run as root, where the sandbox refuses
    "--disable-gpu",
    "--disable-dev-shm-usage",       # containers often have a tiny /dev/shm
    "--disable-quic",
    "--no-first-run",
    # Nothing but the site under test: no updates, sync or other calls home.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
]


# The administrator the operator makes on the server: a new site takes no sign-up
# before one exists.
OPERATOR_ADMIN = {"username": "alice", "email": "alice@example.com",
                  "password": "alice-secret-1"}


@pytest.fixture(scope="module")
def running_site():
    """A new site: its administrator, made with `devjavu-admin user add --admin`, and no
    projects. Everything else the test needs it makes through the pages, as a person
    would."""
    sitedir = SiteDir()
    try:
        admin(sitedir, "migrate")
        admin(sitedir, "user", "add", OPERATOR_ADMIN["username"], "--email",
              OPERATOR_ADMIN["email"], "--admin", input=OPERATOR_ADMIN["password"] + "\n")
        apache = RunningApache(sitedir)
        try:
            yield RunningSite(sitedir, apache)
        finally:
            leftovers = apache.stop()
            assert not leftovers, f"Apache processes left running: {leftovers}"
    finally:
        sitedir.remove()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            pytest.skip(f"{path} is missing: install Debian's chromium and "
                        "chromium-driver (`make test` does)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in CHROMIUM_ARGUMENTS:
        options.add_argument(argument)
    profile = tmp_path_factory.mktemp("chromium-profile")
    options.add_argument(f"--user-data-dir={profile}")
    # The console, where Chromium reports what a Content Security Policy refused.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
