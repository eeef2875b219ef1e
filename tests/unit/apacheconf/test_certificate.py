"""The self-signed certificate made at start: a server's own, never an authority's."""
import subprocess

import pytest

from devjavu import datadir
from devjavu.apacheconf.certificate import ensure_certificate
from devjavu.apacheconf.render import certificate_paths
from devjavu.settings import load_settings
from tests.support.sitedir import SiteDir


@pytest.fixture
def settings():
    sitedir = SiteDir()
    settings = load_settings(sitedir.ini_path)
    datadir.prepare(settings)
    yield settings
    sitedir.remove()


def _show(certificate) -> str:
    return subprocess.run(["openssl", "x509", "-in", str(certificate), "-noout", "-subject",
                           "-ext", "basicConstraints,subjectAltName,extendedKeyUsage"],
                          capture_output=True, text=True, check=True).stdout


def _self_signed(certificate, key, subject: str, *extensions: str) -> None:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", subject, *(a for e in extensions for a in ("-addext", e)),
                    "-keyout", str(key), "-out", str(certificate)],
                   check=True, capture_output=True)


def test_the_certificate_made_is_a_leaf_for_the_local_names(settings):
    ensure_certificate(settings)
    shown = _show(certificate_paths(settings)[0])
    assert "CA:FALSE" in shown and "TLS Web Server Authentication" in shown
    assert "DNS:localhost" in shown and "IP Address:127.0.0.1" in shown


def test_an_older_releases_ca_certificate_is_replaced(settings):
    certificate, key = certificate_paths(settings)
    _self_signed(certificate, key, "/CN=127.0.0.1", "subjectAltName=DNS:localhost,IP:127.0.0.1")
    assert "CA:TRUE" in _show(certificate)
    ensure_certificate(settings)
    assert "CA:FALSE" in _show(certificate)
    # The new key goes with the new certificate.
    public = [subprocess.run(["openssl", *command], capture_output=True, check=True).stdout
              for command in (["x509", "-in", str(certificate), "-noout", "-pubkey"],
                              ["pkey", "-in", str(key), "-pubout"])]
    assert public[0] == public[1]


def test_an_operators_certificate_is_kept(settings):
    certificate, key = certificate_paths(settings)
    _self_signed(certificate, key, "/CN=devjavu.example.org")
    before = certificate.read_bytes()
    ensure_certificate(settings)
    assert certificate.read_bytes() == before
