"""The client's address: the connection's, unless it is a trusted proxy; then the
right-most forwarded address that is not one."""
import pytest

from devjavu.clientaddress import client_address, parse_trusted_proxies
from devjavu.settings import SettingsError, settings_from_dict

PROXIES = parse_trusted_proxies("10.0.0.5, 192.168.7.0/24 ::1")


@pytest.mark.parametrize("remote,forwarded,expected", [
    # Without trusted proxies the header is the client's own text: ignored.
    ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
    ("203.0.113.9", "10.0.0.5", "203.0.113.9"),
    # From a trusted proxy: what it appended, not what the client wrote before it.
    ("10.0.0.5", "198.51.100.1", "198.51.100.1"),
    ("10.0.0.5", "6.6.6.6, 198.51.100.1", "198.51.100.1"),
    ("10.0.0.5", "6.6.6.6, 198.51.100.1, 192.168.7.20", "198.51.100.1"),
    ("::1", "2001:db8:0:0::7", "2001:db8::7"),
    # A proxy that forwarded nothing, or something that is not an address.
    ("10.0.0.5", "", "10.0.0.5"),
    ("10.0.0.5", "198.51.100.1, not-an-address", "10.0.0.5"),
    ("10.0.0.5", "198.51.100.1:4444", "10.0.0.5"),
    ("10.0.0.5", "6.6.6.6, 192.168.7.20", "6.6.6.6"),
])
def test_forwarded_addresses_are_believed_only_from_trusted_proxies(remote, forwarded,
                                                                    expected):
    environ = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_address(environ, PROXIES) == expected


def test_by_default_no_header_is_believed():
    environ = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    assert client_address(environ) == "127.0.0.1"
    assert client_address({}) == ""


def test_the_setting_is_optional_and_checked(tmp_path):
    base = {"devjavu.data_dir": str(tmp_path), "sqlalchemy.url": "sqlite://",
            "devjavu.run_user": "root"}
    assert settings_from_dict(base, tmp_path / "x.ini").trusted_proxies == ()
    settings = settings_from_dict({**base, "devjavu.trusted_proxies": "10.0.0.5 10.1.0.0/16"},
                                  tmp_path / "x.ini")
    assert [str(n) for n in settings.trusted_proxies] == ["10.0.0.5/32", "10.1.0.0/16"]
    with pytest.raises(SettingsError, match="devjavu.trusted_proxies.*'10.0.0.300'"):
        settings_from_dict({**base, "devjavu.trusted_proxies": "10.0.0.300"},
                           tmp_path / "x.ini")
