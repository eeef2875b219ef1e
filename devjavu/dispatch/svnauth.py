"""mod_wsgi's auth provider for /svn: `check_password` runs in Apache's worker processes.

It answers True (right password or token, active account), False (wrong secret or
disabled account) or None (no such user), as mod_wsgi's `WSGIAuthUserScript` expects.
"""
from devjavu.accounts.credentials import CredentialChecker
from devjavu.accounts.users import find_user
from devjavu.site import Site


def make_check_password(ini_path: str):
    site = Site.from_ini(ini_path)
    checker = CredentialChecker()

    def check_password(environ, user, password):
        with site.session_factory() as db:
            if checker.check(db, user, password) is not None:
                db.commit()          # a token's last-used time
                return True
            return False if find_user(db, user) is not None else None

    return check_password
