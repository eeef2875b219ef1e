import pytest

from devjavu.dashboard.routes import includeme as dashboard_routes
from devjavu.projects.names import RESERVED_NAMES, ProjectNameError, validate_project_name


@pytest.mark.parametrize("name", ["ab", "demo", "my-project", "a1", "x" * 40, "p-2-q"])
def test_good_names(name):
    assert validate_project_name(name) == name


@pytest.mark.parametrize("name", ["", "a", "x" * 41, "1abc", "-abc", "Demo", "my_project",
                                  "my project", "dé", "a/b", "../etc", "a.b"])
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
