"""No user text can change what Trac's configuration parser reads from trac.ini."""
import os

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st
from trac.config import Configuration, ConfigurationError
from trac.env import Environment

from devjavu.fsutil import atomic_write
from devjavu.projects.service import ProjectError, validate_description
from devjavu.tracenv import config as config_module
from devjavu.tracenv.config import (ConfigValueError, config_changed, guard_trac_config,
                                    read_project_ini, update_project_ini)

INJECTION = "Tools\r[project]\rfooter = <script>alert(1)</script>\r[logging]\rlog_type = file"
BASE = "# -*- coding: utf-8 -*-\n\n[project]\ndescr = Old\nname = demo\n\n[ticket]\n" \
       "default_component = widgets\n\n"
# Any text at all, with the characters that end a line for some reader made frequent.
ANY_TEXT = st.text(alphabet=st.one_of(
    st.characters(), st.sampled_from("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029[]=:;#%\t ")))
NOT_FILES = [HealthCheck.function_scoped_fixture]


@pytest.fixture
def ini(tmp_path):
    path = tmp_path / "trac.ini"
    path.write_text(BASE, encoding="utf-8")
    return path


@settings(max_examples=300, suppress_health_check=NOT_FILES, deadline=None)
@given(text=ANY_TEXT)
@example(text=INJECTION)
@example(text="Tools\n[logging]\nlog_type = file")
def test_a_description_is_refused_or_read_back_exactly(ini, text):
    before = ini.read_bytes()
    try:
        description = validate_description(text)
    except ProjectError:
        return
    update_project_ini(ini, {("project", "descr"): description})
    after = read_project_ini(ini)
    assert after == {("project", "descr"): description.strip(), ("project", "name"): "demo",
                     ("ticket", "default_component"): "widgets"}
    ini.write_bytes(before)


@settings(max_examples=300, suppress_health_check=NOT_FILES, deadline=None)
@given(text=ANY_TEXT)
@example(text=INJECTION)
def test_what_trac_itself_saves_is_refused_or_read_back_exactly(ini, text):
    """The ticket admin panels save a posted "default component" as it came."""
    guard_trac_config()
    before = ini.read_bytes()
    config = Configuration(str(ini))
    try:
        config.set("ticket", "default_component", text)
    except ConfigurationError:
        assert ini.read_bytes() == before
        return
    config.save()
    assert read_project_ini(ini) == {("project", "descr"): "Old", ("project", "name"): "demo",
                                     ("ticket", "default_component"): text.strip()}
    ini.write_bytes(before)


def test_a_refused_value_leaves_the_file_byte_identical(ini):
    before = ini.read_bytes()
    with pytest.raises(ConfigValueError, match="line breaks or control characters"):
        update_project_ini(ini, {("project", "descr"): INJECTION})
    assert ini.read_bytes() == before


def test_a_write_that_would_not_read_back_is_refused(ini, monkeypatch):
    """The file is parsed again before it replaces the old one."""
    import devjavu.tracenv.config as config_module
    monkeypatch.setattr(config_module, "_render",
                        lambda parser: BASE + "[logging]\nlog_type = file\n")
    before = ini.read_bytes()
    with pytest.raises(ConfigValueError, match="would not read back"):
        update_project_ini(ini, {("project", "descr"): "New"})
    assert ini.read_bytes() == before
    assert not list(ini.parent.glob(".trac.ini.*"))


def test_an_open_environment_sees_every_change_however_quick(tmp_path, monkeypatch):
    Environment(str(tmp_path / "demo"), create=True,
                options=[("project", "descr", "Old")]).shutdown()
    env = Environment(str(tmp_path / "demo"))
    ini = tmp_path / "demo" / "conf" / "trac.ini"

    def write_within_the_same_tick(path, text, validate):
        # The kernel's file clock moves in steps of milliseconds: a quick second write
        # can carry the first one's modification time.
        before = path.stat().st_mtime_ns
        atomic_write(path, text, validate)
        os.utime(path, ns=(before, before))
    monkeypatch.setattr(config_module, "atomic_write", write_within_the_same_tick)
    try:
        assert not config_changed(env)
        for text in ("First", "Second"):
            update_project_ini(ini, {("project", "descr"): text})
            assert config_changed(env)
            assert env.project_description == text
        assert not config_changed(env)
    finally:
        env.shutdown()
