"""mod_wsgi's auth provider for /svn: `check_password` runs in Apache's worker processes.

It answers True (right password or token, active account), False (wrong secret or
disabled account) or None (no such user), as mod_wsgi's `WSGIAuthUserScript` expects.
A checkout or commit calls it on every request, so a password is checked with one query
on a plain connection; a token, which records its last use, goes through a session.
"""
from devjavu.accounts import tokens
from devjavu.accounts.credentials import CredentialChecker
from devjavu.accounts.users import find_user
from devjavu.site import Site


def make_check_password(ini_path: str):
    site = Site.from_ini(ini_path)
    checker = CredentialChecker()

    def check_token(user, token):
        with site.session_factory() as db:
            if checker.check(db, user, token) is not None:
                db.commit()          # the token's last-used time
                return True
            return False if find_user(db, user) is not None else None

    def check_password(environ, user, password):
        if tokens.looks_like_token(password):
            return check_token(user, password)
        with site.engine.connect() as connection:
            return checker.password_verdict(connection, user, password)

    return check_password
