"""The real WSGI application (dispatcher, dashboard and Trac) driven by WebTest, on the
real database of tests/conftest.py, with a real SMTP server (aiosmtpd) for mail."""
import re
import socket
import threading

import pytest
import webtest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from devjavu import mail, tracruntime
from devjavu.accounts import users
from devjavu.dashboard import make_dashboard
from devjavu.dispatch.app import Dispatcher
from devjavu.models import Role
from devjavu.projects import service
from devjavu.site import Site


class Mailbox(Message):
    """Collects every message the SMTP server receives."""

    def __init__(self):
        super().__init__()
        self.messages = []
        self.arrived = threading.Condition()

    def handle_message(self, message):
        with self.arrived:
            self.messages.append(message)
            self.arrived.notify_all()

    def wait_for(self, count: int, timeout: float = 10.0) -> list:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout)
        return list(self.messages)

    def links(self) -> list[str]:
        return [url for m in self.messages for url in
                re.findall(r"https?://\S+", m.get_payload())]


@pytest.fixture(scope="session")
def smtp_server():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    """The messages sent from here on: what fixtures before it sent (mail leaves on a
    background thread) has arrived before the box is emptied."""
    _, mailbox = smtp_server
    mail.sender.wait_until_idle()
    mailbox.messages.clear()
    return mailbox


ADMIN = "root-admin"


@pytest.fixture
def web_site(site, smtp_server):
    """The test site with its mail going to the local SMTP server, and `root-admin`, the
    site admin its operator made with `devjavu-admin user add --admin` (until one
    exists, nobody can sign up)."""
    controller, _ = smtp_server
    settings = site.settings.__class__(**{**site.settings.__dict__,
                                          "smtp_port": controller.port})
    mailing = Site(settings)
    with mailing.unit_of_work() as db:
        users.add_user(db, ADMIN, f"{ADMIN}@example.com", "a-good-password", is_admin=True)
    yield mailing
    mailing.dispose()


class Browser(webtest.TestApp):
    """WebTest with the form helpers every dashboard test needs."""

    def csrf(self, url: str = "/") -> str:
        page = self.get(url, status="*")
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def submit(self, url: str, fields: dict, status="*", form_page: str | None = None):
        """POST `fields` to `url` with a CSRF token from `form_page` (default: `url`)."""
        token = self.csrf(form_page or url)
        return self.post(url, {"csrf_token": token, **fields}, status=status)

    def sign_up(self, username: str, password: str = "a-good-password", **extra):
        return self.submit("/signup", {"username": username, "password": password,
                                       "email": f"{username}@example.com", **extra})

    def log_in(self, username: str, password: str = "a-good-password"):
        response = self.submit("/login", {"username": username, "password": password})
        assert response.status_int == 303, response.text
        return response

    def log_out(self):
        return self.submit("/logout", {}, form_page="/logout")

    def create_project(self, name: str, **fields):
        """The new-project form, public and without a description unless `fields` say."""
        return self.submit("/dashboard/new", {"name": name, "description": "",
                                              "visibility": "public", **fields})


@pytest.fixture
def app_factory(web_site):
    dashboard = make_dashboard(web_site, {})
    tracruntime.install(web_site)
    application = Dispatcher(web_site, dashboard)
    made = []

    def make(**extra_environ) -> Browser:
        webapp = Browser(application, extra_environ={"REMOTE_ADDR": "192.0.2.10",
                                                      **extra_environ})
        made.append(webapp)
        return webapp

    yield make
    application.environments.close_all()


@pytest.fixture
def webapp(app_factory):
    return app_factory()


@pytest.fixture
def admin_webapp(app_factory):
    """Signed in as `root-admin`, the site admin."""
    b = app_factory()
    b.log_in(ADMIN)
    return b


@pytest.fixture
def two_projects_and_their_people(app_factory, web_site):
    """Browsers of amy, who owns "open" (public) and "hidden" (private); bob, a developer
    of both; eve, signed in and a member of neither; and someone anonymous."""
    amy, bob, eve, anonymous = app_factory(), app_factory(), app_factory(), app_factory()
    for browser, name in ((amy, "amy"), (bob, "bob"), (eve, "eve")):
        browser.sign_up(name)
    for project, visibility in (("open", "public"), ("hidden", "private")):
        amy.submit("/dashboard/new", {"name": project, "description": "",
                                      "visibility": visibility})
    with web_site.unit_of_work() as db:
        for project in ("open", "hidden"):
            service.add_member(db, service.get_project(db, project),
                               users.get_user(db, "bob"), Role.DEVELOPER)
    return amy, bob, eve, anonymous


@pytest.fixture
def add_user(web_site):
    def add(name, password="a-good-password", admin=False):
        with web_site.unit_of_work() as db:
            users.add_user(db, name, f"{name}@example.com", password, is_admin=admin)
    return add
