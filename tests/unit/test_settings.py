from pathlib import Path

import pytest

from devjavu.settings import SettingsError, load_settings, settings_from_dict

TOKEN = "0123456789abcdef0123456789abcdef-_.~+/="


def _settings(**extra):
    raw = {"devjavu.data_dir": "/srv/devjavu", "sqlalchemy.url": "sqlite://",
           "devjavu.run_user": "root", **extra}
    return settings_from_dict(raw, Path("/etc/devjavu.ini"))


def test_health_token_is_optional_and_never_shown():
    assert _settings().health_token == ""
    settings = _settings(**{"devjavu.health_token": f" {TOKEN} "})
    assert settings.health_token == TOKEN and TOKEN not in repr(settings)


@pytest.mark.parametrize("token", ["short-secret-value", "a" * 31, "a" * 257,
                                   "spaces are not allowed in a token, see?",
                                   "a" * 32 + "\r\nX-Injected: 1", "\u00e9" * 32])
def test_a_weak_or_malformed_health_token_is_refused_without_echoing_it(token):
    with pytest.raises(SettingsError) as refused:
        _settings(**{"devjavu.health_token": token})
    assert "devjavu.health_token" in str(refused.value)
    assert token.strip() not in str(refused.value) and "(hidden)" in str(refused.value)


def test_the_idle_timeout_has_a_sane_default_and_a_floor():
    assert _settings().session_idle_minutes == 120
    assert _settings(**{"devjavu.session_idle_minutes": "30"}).session_idle_minutes == 30
    for too_short in ("0", "4", "-1", "two hours"):
        with pytest.raises(SettingsError, match="devjavu.session_idle_minutes"):
            _settings(**{"devjavu.session_idle_minutes": too_short})


@pytest.mark.parametrize("url, kept", [
    ("https://devjavu.example.org/", "https://devjavu.example.org"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
])
def test_a_public_url_is_a_scheme_a_host_and_a_port(url, kept):
    settings = _settings(**{"devjavu.public_url": url})
    assert settings.public_url == kept
    assert settings.https_only is url.startswith("https:")


@pytest.mark.parametrize("url", [
    "devjavu.example.org", "ftp://devjavu.example.org", "https://devjavu.example.org/path",
    "https://devjavu.example.org?x=1", 'https://a.example" evil', "https://a.example\r\nX: 1",
    "https://user@a.example", "https://a.example:port", "https://",
])
def test_a_public_url_that_could_shape_a_config_or_redirect_is_refused(url):
    # It is written into Apache's configuration and into every redirect to https.
    with pytest.raises(SettingsError, match="devjavu.public_url"):
        _settings(**{"devjavu.public_url": url})


def test_without_a_public_url_the_site_is_plain_http():
    settings = _settings()
    assert settings.public_url == "http://127.0.0.1:8080" and not settings.https_only


def test_hsts_widens_only_when_asked():
    assert _settings().hsts == "host"
    with pytest.raises(SettingsError, match="devjavu.hsts"):
        _settings(**{"devjavu.hsts": "includeSubDomains"})


def test_roots_files_default_to_a_server_directory_beside_the_data():
    settings = _settings()
    assert settings.server_dir == Path("/srv/devjavu-server")
    assert settings.log_dir == Path("/srv/devjavu-server/logs")
    assert settings.backup_dir == Path("/srv/devjavu-server/backups")
    assert settings.backup_key_path == Path("/srv/devjavu-server/backup.key")


@pytest.mark.parametrize("key,value", [
    ("devjavu.server_dir", "/srv/devjavu/server"), ("devjavu.server_dir", "/srv"),
    ("devjavu.backup_dir", "/srv/devjavu/backups"),
    ("devjavu.backup_key", "/srv/devjavu/run/backup.key"),
])
def test_roots_files_cannot_live_in_the_run_users_data_directory(key, value):
    with pytest.raises(SettingsError, match=f"{key} must lie outside the data directory"):
        _settings(**{key: value})


def _ini(tmp_path, line: str) -> Path:
    ini = tmp_path / "site.ini"
    ini.write_text(f"[app:main]\nuse = egg:devjavu\ndevjavu.data_dir = {tmp_path}/var\n"
                   f"sqlalchemy.url = sqlite://\ndevjavu.run_user = root\n{line}\n")
    return ini


def test_a_bare_percent_names_the_key_and_the_fix(tmp_path):
    with pytest.raises(SettingsError) as refused:
        load_settings(_ini(tmp_path, "devjavu.mail_from = 100% DevjaVu <d@example.org>"))
    message = str(refused.value)
    assert "devjavu.mail_from" in message and "%%" in message
    assert "\n" not in message
    settings = load_settings(_ini(tmp_path, "devjavu.mail_from = 100%% DevjaVu <d@x.org>"))
    assert settings.mail_from == "100% DevjaVu <d@x.org>"


@pytest.mark.parametrize("text, said", [
    ("[app:main]\nsqlalchemy.url = a\nsqlalchemy.url = b\n", "already exists"),
    ("[app:other]\nsqlalchemy.url = a\n", "No section 'main'"),
    ("sqlalchemy.url = a\n", "no section headers"),
])
def test_an_unreadable_ini_is_one_line(tmp_path, text, said):
    ini = tmp_path / "site.ini"
    ini.write_text(text)
    with pytest.raises(SettingsError) as refused:
        load_settings(ini)
    assert str(refused.value).startswith(f"{ini}: cannot read it: ")
    assert said in str(refused.value) and "\n" not in str(refused.value)


def test_the_log_size_is_in_megabytes_with_fractions_for_small_sites():
    assert _settings().log_max_bytes == 10 * 2**20
    assert _settings(**{"devjavu.log_max_mb": "0.05"}).log_max_bytes == 52428
    for refused in ("0", "0.001", "nan", "inf", "-1", "10M"):
        with pytest.raises(SettingsError, match="devjavu.log_max_mb"):
            _settings(**{"devjavu.log_max_mb": refused})
