import pytest

from devjavu.accounts import users
from devjavu.dashboard.routes import includeme as dashboard_routes
from devjavu.projects import service
from devjavu.projects.names import (NAME_RE, RESERVED_NAMES, ProjectNameError,
                                    validate_project_name)

# "$" matches before a final newline: each of these passed a `^...$` pattern.
WITH_A_LINE_BREAK = ["alpha\n", "alpha\r", "alpha\r\n", "\nalpha", "al\npha", "alpha\n\n"]


@pytest.mark.parametrize("name", ["ab", "demo", "my-project", "a1", "x" * 40, "p-2-q"])
def test_good_names(name):
    assert validate_project_name(name) == name


@pytest.mark.parametrize("name", ["", "a", "x" * 41, "1abc", "-abc", "Demo", "my_project",
                                  "my project", "dé", "a/b", "../etc", "a.b",
                                  *WITH_A_LINE_BREAK, "alpha\x00", "alpha\t", "ab\u0663"])
def test_malformed_names_are_refused_with_the_rule(name):
    with pytest.raises(ProjectNameError, match="2 to 40 characters"):
        validate_project_name(name)


@pytest.mark.parametrize("name", sorted(n for n in RESERVED_NAMES if n[0].isalpha()))
def test_reserved_names_are_refused(name):
    with pytest.raises(ProjectNameError, match="reserved"):
        validate_project_name(name)


def test_every_top_level_path_of_the_service_is_reserved():
    class Recorder:
        def __init__(self):
            self.patterns = []

        def add_route(self, name, pattern, **kwargs):
            self.patterns.append(pattern)

    recorder = Recorder()
    dashboard_routes(recorder)
    top = {p.strip("/").split("/")[0] for p in recorder.patterns} - {""}
    assert top <= RESERVED_NAMES
    assert {"svn", "static", "chrome", "projects", "trac"} <= RESERVED_NAMES


@pytest.mark.parametrize("name", WITH_A_LINE_BREAK)
def test_the_pattern_itself_matches_whole_names_only(name):
    """The dispatcher calls NAME_RE.match itself: the pattern, not a wrapper, must refuse."""
    assert NAME_RE.match(name) is None
    assert NAME_RE.match(name.replace("\r", "").replace("\n", "")) is not None


@pytest.mark.parametrize("name", ["alpha\n", "svn\n"])
def test_a_project_named_with_a_final_newline_is_refused_and_nothing_made(site, make_user,
                                                                          name):
    make_user("olga")
    with pytest.raises(service.ProjectError, match="2 to 40 characters"):
        with site.unit_of_work() as db:
            service.create_project(db, site.settings, name, users.get_user(db, "olga"))
    with site.reading() as db:
        assert service.list_projects(db, include_deleted=True) == []
    for directory in (site.settings.repository_path("x").parent,
                      site.settings.trac_env_path("x").parent):
        assert not directory.exists() or list(directory.iterdir()) == []
