import pytest

from devjavu.authz.build import (expected_access, parse_authz_root, parse_site_admins,
                                 project_rules, render_groups, render_project_authz,
                                 site_admins)
from devjavu.accounts import users
from devjavu.models import Role


@pytest.fixture
def members(site, make_user):
    for name in ("olga", "dev", "vera", "stranger"):
        make_user(name)
    make_user("root-admin", admin=True)
    return site


def _project(db, name, private):
    from devjavu.models import Membership, Project
    project = Project(name=name, description="", is_private=private)
    db.add(project)
    for username, role in (("olga", Role.OWNER), ("dev", Role.DEVELOPER),
                           ("vera", Role.VIEWER)):
        db.add(Membership(project=project, user=users.get_user(db, username), role=role))
    db.flush()
    return project


@pytest.mark.parametrize("private", [False, True])
def test_expected_access_follows_roles(members, private):
    with members.reading() as db:
        project = _project(db, "demo", private)
        access = expected_access(db, project)
    expected = {"olga": "rw", "dev": "rw", "vera": "r"}   # site admins: in the groups file
    if not private:
        expected["*"] = "r"
    assert access == expected


def test_disabled_users_lose_access(members):
    with members.reading() as db:
        project = _project(db, "demo", True)
        users.get_user(db, "dev").is_active = False
        users.get_user(db, "root-admin").is_active = False
        db.flush()
        assert expected_access(db, project) == {"olga": "rw", "vera": "r"}


def test_render_parses_back():
    access = {"*": "r", "zed": "rw", "amy": "r"}
    text = render_project_authz("demo", access)
    assert parse_authz_root(text) == project_rules(access) == {**access, "@site-admins": "rw"}
    assert (text.index("amy") < text.index("zed") < text.index("@site-admins = rw")
            < text.index("* = r"))


def test_site_admins_are_the_active_admins(members, make_user):
    make_user("another-admin", admin=True)
    make_user("gone-admin", admin=True)
    with members.reading() as db:
        users.get_user(db, "gone-admin").is_active = False
        db.flush()
        assert site_admins(db) == ["another-admin", "root-admin"]


@pytest.mark.parametrize("admins", [[], ["amy"], ["amy", "zed"]])
def test_groups_render_parses_back(admins):
    text = render_groups(admins)
    assert parse_site_admins(text) == admins
    assert text.endswith("[groups]\nsite-admins =" + (" " + ", ".join(admins)) * bool(admins)
                         + "\n")


@pytest.mark.parametrize("text", ["[groups]\nsite-admins = a\nother = b\n",
                                  "[groups]\n[/]\n", "site-admins = a\n",
                                  "[groups]\nsite-admins = a\nsite-admins = b\n"])
def test_groups_parse_rejects_unexpected_shapes(text):
    with pytest.raises(ValueError):
        parse_site_admins(text)


@pytest.mark.parametrize("text", ["[/]\nalice = rw\n[/]\nbob = r\n", "alice = rw\n",
                                  "[/]\nalice\n", "[groups]\nx = a\n[/]\n@x = r\n"])
def test_parse_rejects_unexpected_shapes(text):
    with pytest.raises(ValueError):
        parse_authz_root(text)


@pytest.mark.parametrize("filter_up_to", [500, 0])
def test_access_of_many_projects_equals_each_alone(members, monkeypatch, filter_up_to):
    from devjavu.authz import build
    monkeypatch.setattr(build, "_FILTER_UP_TO", filter_up_to)
    with members.reading() as db:
        projects = [_project(db, "pub", False), _project(db, "priv", True)]
        db.add(build.Membership(project=projects[1], role=Role.DEVELOPER,
                                user=users.get_user(db, "stranger")))
        users.get_user(db, "vera").is_active = False
        db.flush()
        together = build.expected_access_of(db, projects)
        assert together == {p.id: expected_access(db, p) for p in projects}
    assert together[projects[1].id] == {"olga": "rw", "dev": "rw", "stranger": "rw"}
