from pathlib import Path

import pytest

from devjavu.settings import SettingsError, settings_from_dict

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
