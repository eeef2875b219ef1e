"""mod_wsgi's auth provider for /svn: `check_password` runs in Apache's worker processes.

It answers True (right password or token, active account), False (wrong secret,
disabled account, an attempt the sign-in limit holds back, or a revoked admin whom a
groups file that could not be rewritten still names: staleadmins.py) or None (no such
user),
as mod_wsgi's `WSGIAuthUserScript` expects; Apache answers anything but True with a
401, which the svn client reports as failed authentication. A checkout or commit calls
it on every request, so a password is checked with two queries (the limit, the
account) on a plain connection; a token, which records its last use, goes through a
session. It changes no access, so it opens the site without the access-file writer
(devjavu/sitedatabase.py), and nothing it imports loads Subversion's bindings, Trac or
Pyramid: every Apache child would carry them.
"""
from devjavu.accounts import throttle, tokens
from devjavu.accounts.credentials import CredentialChecker
from devjavu.accounts.users import find_user
from devjavu.apachechild.staleadmins import StaleAdmins
from devjavu.clientaddress import client_address
from devjavu.sitedatabase import SiteDatabase


def make_check_password(ini_path: str):
    site = SiteDatabase.from_ini(ini_path)
    checker = CredentialChecker()
    trusted_proxies = site.settings.trusted_proxies
    stale_admins = StaleAdmins(site.settings.authz_groups_path)

    def check_token(user, token, address):
        with site.session_factory() as db:
            found = checker.attempt(db, user, token, address, "svn")
            db.commit()          # the token's last-used time, or the failure
            if found is not None:
                return True
            return False if find_user(db, user) is not None else None

    def check_password(environ, user, password):
        address = client_address(environ, trusted_proxies)
        try:
            if tokens.looks_like_token(password):
                verdict = check_token(user, password, address)
            else:
                with site.engine.connect() as connection:
                    verdict = checker.password_verdict(connection, user, password, address)
        except throttle.TooManyFailures:
            return False
        if verdict and stale_admins.refuses(site.engine, user):
            return False
        return verdict

    return check_password
