"""Each action that both the dashboard and `devjavu-admin` can do, done once each way (on
two accounts or projects of one site): the same service runs, so the resulting state,
the audit trail and the mail are the same, except that the command line's events have
no user actor and carry `audit.COMMAND_LINE` as their address.

SQLite only: the services under test are the same on PostgreSQL (the other tests run on
both), and each command here is a real `devjavu-admin` process."""
import gzip
import subprocess
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from devjavu import audit, mail
from devjavu.accounts import administration, passwords, users
from devjavu.models import AuditEvent, LoginSession, PasswordReset, Role
from devjavu.projects import service
from devjavu.projects.renamed_names import current_name
from devjavu.tracenv.config import project_ini_path, read_project_ini, update_project_ini
from tests.functional.conftest import ADMIN
from tests.support.apache import ADMIN as ADMIN_COMMAND
from tests.support.history import log, synthetic_dump
from tests.support.jobs import run_queued_jobs
from tests.support.populate import as_run_user
from tests.support.tracdata import CUSTOM_FIELDS, attachment_files, fill, trac_rows

pytestmark = pytest.mark.parametrize("site", ["sqlite"], indirect=True)

NEW_PASSWORD = "a-new-good-password"


@pytest.fixture
def cli(web_site, smtp_server):
    """Runs devjavu-admin on the test site, its mail going to the test SMTP server."""
    controller, _ = smtp_server
    ini = web_site.settings.ini_path
    text = ini.read_text()
    assert "devjavu.smtp_port = 25\n" in text
    cli_ini = ini.with_name("cli.ini")
    cli_ini.write_text(text.replace("devjavu.smtp_port = 25\n",
                                    f"devjavu.smtp_port = {controller.port}\n"))

    def run(*args: str, input: str | None = None) -> str:
        result = subprocess.run([ADMIN_COMMAND, "-c", str(cli_ini), *args], input=input,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout
    return run


def trail(web_site, subject: str) -> list[SimpleNamespace]:
    """The audit events about `subject`, oldest first."""
    with web_site.reading() as db:
        return [SimpleNamespace(event=e.event, detail=e.detail, ip_address=e.ip_address,
                                actor_name=e.actor.username if e.actor else None)
                for e in db.scalars(select(AuditEvent).where(AuditEvent.subject == subject)
                                    .order_by(AuditEvent.id))]


def events_of(web_site, subject: str) -> list[str]:
    return [event.event for event in trail(web_site, subject)]


def last_event(web_site, subject: str) -> SimpleNamespace:
    return trail(web_site, subject)[-1]


def assert_from_command_line(event: SimpleNamespace) -> None:
    assert event.actor_name is None and event.ip_address == audit.COMMAND_LINE


def assert_from_dashboard(event: SimpleNamespace, actor: str) -> None:
    assert event.actor_name == actor and event.ip_address == "192.0.2.10"


def account_state(web_site, username: str) -> dict:
    with web_site.reading() as db:
        user = users.get_user(db, username)
        return {
            "active": user.is_active, "admin": user.is_admin,
            "sessions": db.scalar(select(func.count(LoginSession.id)).where(
                LoginSession.user_id == user.id)),
            "pending_resets": db.scalar(select(func.count(PasswordReset.id)).where(
                PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))),
        }


def subjects_of_mail(mailbox, address: str, count: int) -> list[str]:
    mail.sender.wait_until_idle()
    messages = mailbox.wait_for(count)
    return sorted(m["Subject"] for m in messages if m["To"] == address)


@pytest.fixture
def two_accounts(web_site, add_user, app_factory):
    """dana (changed on the dashboard) and carl (by the command line), each signed in
    twice and holding a reset link an admin sent."""
    browsers = {}
    for name in ("dana", "carl"):
        add_user(name)
        browsers[name] = [app_factory(), app_factory()]
        for webapp in browsers[name]:
            webapp.log_in(name)
    with web_site.unit_of_work() as db:
        admin = users.get_user(db, ADMIN)
        for name in ("dana", "carl"):
            administration.send_password_reset(db, admin, users.get_user(db, name))
    return browsers


def user_action(admin_webapp, username: str, action: str) -> None:
    response = admin_webapp.submit(f"/admin/users/{username}", {"action": action},
                                    form_page="/admin/users")
    assert response.status_int == 303, response.text


def test_password_change(web_site, two_accounts, cli, mailbox):
    dana_here, dana_elsewhere = two_accounts["dana"]
    response = dana_here.submit("/account/password", {
        "current_password": "a-good-password", "new_password": NEW_PASSWORD},
        form_page="/account")
    assert response.status_int == 303, response.text
    cli("user", "passwd", "carl", input=f"{NEW_PASSWORD}\n")

    assert events_of(web_site, "dana") == events_of(web_site, "carl") == [
        audit.SIGNIN, audit.SIGNIN, audit.PASSWORD_RESET_SENT, audit.PASSWORD_CHANGED]
    assert_from_dashboard(last_event(web_site, "dana"), "dana")
    assert_from_command_line(last_event(web_site, "carl"))
    # The dashboard keeps the session that made the change; every other one ends.
    assert account_state(web_site, "dana") == {**account_state(web_site, "carl"),
                                               "sessions": 1}
    assert account_state(web_site, "carl")["sessions"] == 0
    assert account_state(web_site, "carl")["pending_resets"] == 0
    assert dana_here.get("/account", status="*").status_int == 200
    for webapp in (dana_elsewhere, *two_accounts["carl"]):
        assert webapp.get("/account", status="*").status_int == 303
    with web_site.reading() as db:
        for name in ("dana", "carl"):
            assert passwords.verify_password(users.get_user(db, name).password_hash,
                                             NEW_PASSWORD)
    assert (subjects_of_mail(mailbox, "dana@example.com", 2)
            == subjects_of_mail(mailbox, "carl@example.com", 2)
            == ["Your DevjaVu password was changed"])


def test_disable_and_enable(web_site, two_accounts, admin_webapp, cli):
    user_action(admin_webapp, "dana", "disable")
    cli("user", "disable", "carl")
    assert account_state(web_site, "dana") == account_state(web_site, "carl") == {
        "active": False, "admin": False, "sessions": 0, "pending_resets": 0}
    for webapp in (*two_accounts["dana"], *two_accounts["carl"]):
        assert webapp.get("/account", status="*").status_int == 303

    user_action(admin_webapp, "dana", "enable")
    cli("user", "enable", "carl")
    assert events_of(web_site, "dana") == events_of(web_site, "carl") == [
        audit.SIGNIN, audit.SIGNIN, audit.PASSWORD_RESET_SENT, audit.USER_DISABLED,
        audit.USER_ENABLED]
    for dana, carl in zip(trail(web_site, "dana")[-2:], trail(web_site, "carl")[-2:]):
        assert_from_dashboard(dana, ADMIN)
        assert_from_command_line(carl)
    assert account_state(web_site, "dana") == account_state(web_site, "carl") == {
        "active": True, "admin": False, "sessions": 0, "pending_resets": 0}


def test_site_admin_granted_and_revoked(web_site, add_user, admin_webapp, cli):
    add_user("dana")
    add_user("carl")
    user_action(admin_webapp, "dana", "make-admin")
    cli("user", "admin", "carl")
    assert account_state(web_site, "dana")["admin"] and account_state(web_site, "carl")["admin"]
    user_action(admin_webapp, "dana", "revoke-admin")
    cli("user", "admin", "carl", "--revoke")
    assert account_state(web_site, "dana") == account_state(web_site, "carl")
    assert not account_state(web_site, "carl")["admin"]
    assert events_of(web_site, "dana") == events_of(web_site, "carl") == [
        audit.ADMIN_GRANTED, audit.ADMIN_REVOKED]
    for dana, carl in zip(trail(web_site, "dana"), trail(web_site, "carl")):
        assert_from_dashboard(dana, ADMIN)
        assert_from_command_line(carl)


def test_operator_made_accounts_are_in_the_audit_log(web_site, cli):
    cli("user", "add", "olga", "--email", "olga@example.com", "--admin",
        input="olga-password\n")
    events = trail(web_site, "olga")
    assert [(e.event, e.detail) for e in events] == [
        (audit.USER_CREATED, "olga@example.com"), (audit.ADMIN_GRANTED, "")]
    for event in events:
        assert_from_command_line(event)


def project_state(web_site, name: str) -> dict:
    settings = web_site.settings
    with web_site.reading() as db:
        project = service.find_project(db, name)
        return {
            "deleted": project.deleted_at is not None,
            "visibility": project.visibility,
            "members": sorted((m.user.username.replace("carl", "dana"), str(m.role))
                              for m in project.memberships),
            "on_disk": (settings.repository_path(name).is_dir(),
                        settings.trac_env_path(name).is_dir()),
        }


def test_project_create_and_delete(web_site, add_user, app_factory, cli):
    add_user("dana")
    add_user("carl")
    dana = app_factory()
    dana.log_in("dana")
    created = dana.submit("/dashboard/new", {"name": "alpha", "description": "",
                                             "visibility": "private"})
    assert created.status_int == 303, created.text
    cli("project", "add", "beta", "--owner", "carl", "--private")
    assert project_state(web_site, "alpha") == project_state(web_site, "beta") == {
        "deleted": False, "visibility": "private", "members": [("dana", "owner")],
        "on_disk": (True, True)}

    deleted = dana.submit("/dashboard/alpha/delete", {"confirm_name": "alpha"},
                          form_page="/dashboard/alpha")
    assert deleted.status_int == 303, deleted.text
    cli("project", "delete", "beta")
    assert project_state(web_site, "alpha") == project_state(web_site, "beta") == {
        "deleted": True, "visibility": "private", "members": [("dana", "owner")],
        "on_disk": (False, False)}
    alpha, beta = trail(web_site, "alpha"), trail(web_site, "beta")
    assert ([(e.event, e.detail) for e in alpha] == [(e.event, e.detail) for e in beta]
            == [(audit.PROJECT_CREATED, "private"), (audit.PROJECT_DELETED, "")])
    for dashboard_event, command_line_event in zip(alpha, beta):
        assert_from_dashboard(dashboard_event, "dana")
        assert_from_command_line(command_line_event)


def test_project_restore_and_rename(web_site, add_user, app_factory, cli):
    add_user("dana")
    add_user("carl")
    dana = app_factory()
    dana.log_in("dana")
    dana.submit("/dashboard/new", {"name": "alpha", "description": "",
                                   "visibility": "private"})
    cli("project", "add", "beta", "--owner", "carl", "--private")
    dana.submit("/dashboard/alpha/delete", {"confirm_name": "alpha"},
                form_page="/dashboard/alpha")
    cli("project", "delete", "beta")

    restored = dana.submit("/dashboard/alpha/restore", {}, form_page="/dashboard")
    assert restored.status_int == 303, restored.text
    cli("project", "restore", "beta")
    renamed = dana.submit("/dashboard/alpha/rename", {"new_name": "alpha-two"},
                          form_page="/dashboard/alpha")
    assert renamed.status_int == 303, renamed.text
    cli("project", "rename", "beta", "beta-two")
    assert project_state(web_site, "alpha-two") == project_state(web_site, "beta-two") == {
        "deleted": False, "visibility": "private", "members": [("dana", "owner")],
        "on_disk": (True, True)}
    with web_site.reading() as db:
        assert (current_name(db, "alpha"), current_name(db, "beta")) == ("alpha-two",
                                                                         "beta-two")
    dashboard_events = trail(web_site, "alpha")[-1:] + trail(web_site, "alpha-two")
    command_line_events = trail(web_site, "beta")[-1:] + trail(web_site, "beta-two")
    assert [(e.event, e.detail) for e in dashboard_events] == [
        (audit.PROJECT_RESTORED, ""), (audit.PROJECT_RENAMED, "from alpha")]
    assert [(e.event, e.detail) for e in command_line_events] == [
        (audit.PROJECT_RESTORED, ""), (audit.PROJECT_RENAMED, "from beta")]
    for dashboard_event, command_line_event in zip(dashboard_events, command_line_events):
        assert_from_dashboard(dashboard_event, "dana")
        assert_from_command_line(command_line_event)


def test_members_settings_and_ownership(web_site, add_user, app_factory, cli,
                                           mailbox):
    for name in ("dana", "erin"):
        add_user(name)
    owner = app_factory()
    owner.log_in("dana")

    def member_post(url: str, fields: dict, form_page: str = "/dashboard/alpha") -> None:
        response = owner.submit(url, fields, form_page=form_page)
        assert response.status_int == 303, response.text

    # Each made the way it is then changed: the command runs as the site's user, who
    # could not write to files this (root) process made.
    member_post("/dashboard/new", {"name": "alpha", "description": "",
                                   "visibility": "public"}, form_page="/dashboard/new")
    cli("project", "add", "beta", "--owner", "dana")

    member_post("/dashboard/alpha/members", {"username": "erin", "role": "viewer"})
    cli("member", "add", "beta", "erin", "--role", "viewer")
    with web_site.reading() as db:
        erin = users.get_user(db, "erin")
        assert [service.find_membership(db, service.get_project(db, name), erin).role
                for name in ("alpha", "beta")] == [Role.VIEWER, Role.VIEWER]
    assert subjects_of_mail(mailbox, "erin@example.com", 2) == [
        "You are now viewer of alpha", "You are now viewer of beta"]

    member_post("/dashboard/alpha/members/erin", {"role": "developer"})
    cli("member", "add", "beta", "erin", "--role", "developer")
    member_post("/dashboard/alpha/members/erin", {"action": "remove"})
    cli("member", "remove", "beta", "erin")
    member_post("/dashboard/alpha", {"description": "Where it all starts",
                                     "visibility": "private"})
    cli("project", "set", "beta", "--private", "--description", "Where it all starts")
    member_post("/dashboard/alpha/transfer", {"username": "erin"})
    cli("project", "transfer", "beta", "erin")

    alpha, beta = trail(web_site, "alpha"), trail(web_site, "beta")
    assert ([(e.event, e.detail) for e in alpha] == [(e.event, e.detail) for e in beta]
            == [(audit.PROJECT_CREATED, "public"), (audit.MEMBER_ADDED, "erin as viewer"),
                (audit.ROLE_CHANGED, "erin: viewer -> developer"),
                (audit.MEMBER_REMOVED, "erin"), (audit.DESCRIPTION_CHANGED, ""),
                (audit.VISIBILITY_CHANGED, "private"),
                (audit.OWNERSHIP_TRANSFERRED, "to erin")])
    for dashboard_event, command_line_event in zip(alpha, beta):
        assert_from_dashboard(dashboard_event, "dana")
        assert_from_command_line(command_line_event)
    assert project_state(web_site, "alpha") == project_state(web_site, "beta") == {
        "deleted": False, "visibility": "private", "on_disk": (True, True),
        "members": [("dana", "developer"), ("erin", "owner")]}
    for name in ("alpha", "beta"):     # Trac shows the new description once committed
        trac_ini = read_project_ini(project_ini_path(web_site.settings, name))
        assert trac_ini[("project", "descr")] == "Where it all starts"


def test_a_project_from_a_dump(web_site, add_user, app_factory, cli, tmp_path):
    """The dashboard's upload (loaded by the job runner) and `project import --dump`."""
    add_user("dana")
    add_user("carl")
    dump = synthetic_dump(12)
    # The command first: it runs as the site's user, who could not write in the folders
    # this (root) process would make for the upload.
    dump_file = tmp_path / "history.dump"
    dump_file.write_bytes(dump)
    dump_file.chmod(0o644)
    tmp_path.chmod(0o755)
    cli("project", "import", "beta", "--owner", "carl", "--private", "--dump",
        str(dump_file))
    dana = app_factory()
    dana.log_in("dana")
    uploaded = dana.post("/dashboard/new/dump",
                         [("csrf_token", dana.csrf("/dashboard/new")), ("name", "alpha"),
                          ("description", ""), ("visibility", "private")],
                         upload_files=[("dump", "history.dump.gz", gzip.compress(dump))])
    assert uploaded.status_int == 303, uploaded.text
    assert [str(state) for state in run_queued_jobs(web_site)] == ["done"]
    assert project_state(web_site, "alpha") == project_state(web_site, "beta") == {
        "deleted": False, "visibility": "private", "members": [("dana", "owner")],
        "on_disk": (True, True)}
    histories = [log(web_site.settings.repository_path(name).as_uri(), "-v")
                 for name in ("alpha", "beta")]
    assert histories[0] == histories[1] and "synthetic 12" in histories[0]
    # The upload is queued in the request (created, import started: dana's) and loaded
    # by the job runner afterwards (imported: nobody's, from no address); the command
    # loads before it creates the project, in one go.
    alpha, beta = trail(web_site, "alpha"), trail(web_site, "beta")
    assert [(e.event, e.detail) for e in alpha] == [
        (audit.PROJECT_CREATED, "private"),
        (audit.PROJECT_IMPORT_STARTED, f"an uploaded dump of {len(gzip.compress(dump))} "
         "bytes"),
        (audit.PROJECT_IMPORTED, "12 revisions from an uploaded dump")]
    assert [(e.event, e.detail) for e in beta] == [
        (audit.PROJECT_CREATED, "private"),
        (audit.PROJECT_IMPORTED, "12 revisions from a dump file")]
    for event in alpha[:2]:
        assert_from_dashboard(event, "dana")
    assert (alpha[2].actor_name, alpha[2].ip_address) == (None, "")
    for event in beta:
        assert_from_command_line(event)


def test_trac_data_into_a_project(web_site, add_user, app_factory, cli, tmp_path):
    """The dashboard's Trac-data upload and `project import-trac`, of one archive."""
    add_user("dana")
    add_user("carl")
    # The command's projects first and filled as the site's user (see above).
    cli("project", "add", "source", "--owner", "carl")
    cli("project", "add", "beta", "--owner", "carl")

    def fill_source(site):
        update_project_ini(project_ini_path(site.settings, "source"),
                           {(section, option): value
                            for section, option, value in CUSTOM_FIELDS})
        fill(site.settings.trac_env_path("source"))
    as_run_user(web_site.settings.ini_path, fill_source)
    tmp_path.chmod(0o755)
    archive = tmp_path / "source-trac.tar.gz"
    cli("project", "export", "source", "--trac", str(archive))
    archive.chmod(0o644)
    cli("project", "import-trac", "beta", str(archive))
    dana = app_factory()
    dana.log_in("dana")
    dana.create_project("alpha")
    uploaded = dana.post("/dashboard/alpha/trac-import",
                         {"csrf_token": dana.csrf("/dashboard/alpha"), "users": ""},
                         upload_files=[("archive", "source-trac.tar.gz",
                                        archive.read_bytes())])
    assert uploaded.status_int == 303, uploaded.text
    envs = [web_site.settings.trac_env_path(name) for name in ("alpha", "beta")]
    assert trac_rows(envs[0]) == trac_rows(envs[1])
    assert attachment_files(envs[0]) == attachment_files(envs[1])
    assert trac_rows(envs[0])["ticket"]
    alpha, beta = trail(web_site, "alpha"), trail(web_site, "beta")
    assert [(e.event, e.detail) for e in alpha] == [(e.event, e.detail) for e in beta]
    assert alpha[-1].event == audit.PROJECT_TRAC_IMPORTED
    assert_from_dashboard(alpha[-1], "dana")
    assert_from_command_line(beta[-1])
