"""Trac environments share compiled templates, and still render what their own
template sources and escaping settings say."""
import pytest
import trac.web.chrome
from trac.env import Environment
from trac.web.chrome import Chrome

from devjavu.tracruntime.templatecache import SharedBytecodeCache, share_compiled_templates


@pytest.fixture
def cache():
    original = trac.web.chrome.jinja2env
    shared = SharedBytecodeCache()
    share_compiled_templates(shared)
    yield shared
    trac.web.chrome.jinja2env = original


@pytest.fixture
def env_path(tmp_path):
    path = tmp_path / "project"
    Environment(str(path), create=True,
                options=[("trac", "database", "sqlite:db/trac.db")]).shutdown()
    (path / "templates" / "probe.html").write_text("<p>${value}</p>\n")
    return str(path)


def _render(env_path, name, text=False, **data):
    env = Environment(env_path)
    try:
        return Chrome(env).load_template(name, text=text).render(**data)
    finally:
        env.shutdown()


def test_a_second_environment_loads_compiled_templates(cache, env_path):
    first = Environment(env_path)
    Chrome(first).load_template("wiki_view.html")
    hits = cache.hits
    second = Environment(env_path)
    Chrome(second).load_template("wiki_view.html")
    assert cache.hits > hits
    first.shutdown()
    second.shutdown()


def test_escaping_follows_each_jinja_environment(cache, env_path):
    for _ in range(2):               # compiled, then from the cache
        assert _render(env_path, "probe.html", value="<b>") == "<p>&lt;b&gt;</p>"
        assert _render(env_path, "probe.html", text=True, value="<b>") == "<p><b></p>"


def test_a_changed_template_is_compiled_again(cache, env_path):
    assert _render(env_path, "probe.html", value="x") == "<p>x</p>"
    with open(f"{env_path}/templates/probe.html", "w") as f:
        f.write("<div>${value}</div>\n")
    assert _render(env_path, "probe.html", value="x") == "<div>x</div>"
