"""Reading a source repository's youngest revision, run as its own process by
devjavu/svn/mirror.py: `python -I sourceprobe.py CONFIG_DIR` with
{"url", "username", "password"} as JSON on standard input; prints {"youngest": N} or
{"error": message} as JSON.

Through Subversion's RA layer directly (the bindings), because the `svn` client
follows HTTP redirects to wherever they lead, and a source must not send the server to
an address it was refused. The RA layer answers a redirect with an error, as svnsync
does. A password is given to the RA layer when the source asks for it; then, since
svnsync cannot read one from its input, it is written to the temporary CONFIG_DIR as
Subversion's own auth cache for the realm the source named, where svnsync finds it.
Self-contained (the standard library and the bindings): it runs by path.
"""
import hashlib
import json
import os
import sys

import svn.core
import svn.ra

HTTP_TIMEOUT_SECONDS = "120"


def _auth_cache_entry(realm: bytes, username: str, password: str) -> bytes:
    """Subversion's svn.simple file: a hash dump of the credentials for `realm`."""
    items = [(b"passtype", b"simple"), (b"password", password.encode()),
             (b"svn:realmstring", realm), (b"username", username.encode())]
    out = b"".join(b"K %d\n%s\nV %d\n%s\n" % (len(k), k, len(v), v) for k, v in items)
    return out + b"END\n"


def _cache_password(config_dir: str, realm: bytes, username: str, password: str) -> None:
    directory = os.path.join(config_dir, "auth", "svn.simple")
    os.makedirs(directory, mode=0o700, exist_ok=True)
    path = os.path.join(directory, hashlib.md5(realm).hexdigest())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as f:
        f.write(_auth_cache_entry(realm, username, password))


def probe(config_dir: str, url: str, username: str, password: str) -> int:
    realms = []

    def give_credentials(realm, default_username, may_save, pool=None):
        realms.append(realm)
        credentials = svn.core.svn_auth_cred_simple_t()
        credentials.username = username
        credentials.password = password
        credentials.may_save = False
        return credentials

    providers = [svn.core.svn_auth_get_username_provider()]
    if username:
        # Tried once: a wrong password is an answer, not a reason to guess again.
        providers.append(svn.core.svn_auth_get_simple_prompt_provider(give_credentials, 0))
    callbacks = svn.ra.Callbacks()
    callbacks.auth_baton = svn.core.svn_auth_open(providers)
    svn.core.svn_config_ensure(config_dir)
    config = svn.core.svn_config_get_config(config_dir)
    svn.core.svn_config_set(config[svn.core.SVN_CONFIG_CATEGORY_SERVERS], "global", "http-timeout",
                            HTTP_TIMEOUT_SECONDS)
    session = svn.ra.open2(url, callbacks, config)
    youngest = svn.ra.get_latest_revnum(session)
    if username and realms:
        _cache_password(config_dir, realms[-1], username, password)
    return youngest


def _message(error) -> str:
    messages = []
    while error is not None:            # from the general to the cause
        if error.apr_err == svn.core.SVN_ERR_AUTHN_NO_PROVIDER:
            return "the source asks for a user name and password"
        if error.args and isinstance(error.args[0], str) and error.args[0].strip():
            messages.append(error.args[0].strip().splitlines()[0])
        error = getattr(error, "child", None)
    return ": ".join(messages[-2:]) or "Subversion error"


def main() -> int:
    request = json.loads(sys.stdin.read())
    try:
        youngest = probe(sys.argv[1], request["url"], request["username"] or "",
                         request["password"] or "")
    except svn.core.SubversionException as e:
        print(json.dumps({"error": _message(e)}))
        return 1
    print(json.dumps({"youngest": youngest}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
