"""The Apache configuration as rendered for a development and a production-like site,
each checked by Apache itself (`apache2 -t`)."""
import pytest

from devjavu import datadir
from devjavu.apacheconf.certificate import ensure_certificate
from devjavu.apacheconf.render import (REQUEST_BODY_MARGIN, ApacheConfigError,
                                       check_apache_config, request_body_limit,
                                       write_apache_files)
from devjavu.settings import load_settings
from tests.support.sitedir import SiteDir


@pytest.fixture
def make_settings():
    made = []

    def make(**overrides):
        sitedir = SiteDir(**overrides)
        made.append(sitedir)
        settings = load_settings(sitedir.ini_path)
        datadir.prepare(settings)
        ensure_certificate(settings)
        return settings
    yield make
    for sitedir in made:
        sitedir.remove()


def test_development_serves_both_ports_alike(make_settings):
    conf = write_apache_files(make_settings()).read_text()
    assert "RewriteRule ^ https" not in conf and "Strict-Transport-Security" not in conf
    assert "Set-Cookie" not in conf


def test_an_https_public_url_turns_plain_http_into_redirects(make_settings):
    settings = make_settings(**{"devjavu.public_url": "https://devjavu.example.org"})
    conf = write_apache_files(settings).read_text()
    http_host = conf[conf.index(f"<VirtualHost 127.0.0.1:{settings.http_port}>"):]
    assert "RewriteRule ^ https://devjavu.example.org%{REQUEST_URI} [R=301,L]" in http_host
    assert "RewriteRule ^ - [F]" in http_host
    https_host = conf[conf.index(f"<VirtualHost 127.0.0.1:{settings.https_port}>"):
                      conf.index(f"<VirtualHost 127.0.0.1:{settings.http_port}>")]
    assert 'Strict-Transport-Security "max-age=31536000"' in https_host
    assert "Header always edit Set-Cookie" in https_host


def test_hsts_covers_subdomains_only_when_configured(make_settings):
    settings = make_settings(**{"devjavu.public_url": "https://devjavu.example.org",
                                "devjavu.hsts": "subdomains"})
    conf = write_apache_files(settings).read_text()
    assert 'Strict-Transport-Security "max-age=31536000; includeSubDomains"' in conf
    assert "preload" not in conf


def test_bodies_outside_svn_stop_at_tracs_attachment_limit(make_settings):
    settings = make_settings()
    conf = write_apache_files(settings).read_text()
    limit = request_body_limit(settings.shared_trac_ini)
    assert limit == 10485760 + REQUEST_BODY_MARGIN
    assert f"\nLimitRequestBody {limit}\n" in conf
    svn = conf[conf.index("<Location /svn>"):conf.index("</Location>")]
    assert "LimitRequestBody 0" in svn
    assert "RequestReadTimeout" in conf


@pytest.mark.parametrize("max_size", ["-1", "lots"])
def test_an_attachment_limit_that_is_no_size_is_refused(tmp_path, max_size):
    trac_ini = tmp_path / "trac.ini"
    trac_ini.write_text(f"[attachment]\nmax_size = {max_size}\n")
    with pytest.raises(ApacheConfigError, match="max_size"):
        request_body_limit(trac_ini)


def test_apache_accepts_the_production_like_config(make_settings):
    settings = make_settings(**{"devjavu.public_url": "https://devjavu.example.org",
                                "devjavu.hsts": "preload"})
    check_apache_config(write_apache_files(settings))
