"""serve: bring the site in step (devjavu/upkeep.py), write Apache's config and run it in
the foreground."""
import os
import sys

from devjavu import datadir, upkeep
from devjavu.accounts.signup import has_admin
from devjavu.apacheconf.running import running_apache_pid
from devjavu.apacheconf.server import exec_apache
from devjavu.cli.context import open_site
from devjavu.cli.errors import CommandError

FIRST_ADMIN_HINT = """\
This site has no administrator, so nobody can sign up yet. Make the first one with:
    {admin} -c {ini} user add NAME --email EMAIL --admin
(it reads the password from standard input), then sign in at {url}/login"""


def register(commands) -> None:
    commands.add_parser("serve", help="run Apache in the foreground (what `make run` does)"
                        ).set_defaults(handler=serve)


def prepare_data(settings) -> None:
    """Migrate and bring the site in step as the run user, in a child process, so that
    this process keeps the rights it needs to start Apache."""
    datadir.prepare(settings, whole_tree=True)
    pid = os.fork()
    if pid == 0:
        try:
            site = open_site(settings, require_current_schema=False)
            upkeep.upgrade_and_bring_in_step(site)
            _tell_if_no_admin(site)
            code = 0
        except BaseException as e:  # the child must never return into the parent's code
            print(f"devjavu-admin: error: {e}", file=sys.stderr)
            code = 1
        sys.stderr.flush()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise CommandError("preparing the data directory failed (see above)")


def _tell_if_no_admin(site) -> None:
    """On a new site, how to open it: sign-up stays closed until an admin exists. Run
    in the child that migrated, as the run user (root must not open the database)."""
    with site.reading() as db:
        missing = not has_admin(db)
    settings = site.settings
    if missing:
        print(FIRST_ADMIN_HINT.format(admin=os.path.abspath(sys.argv[0]),
                                      ini=settings.ini_path, url=settings.public_url),
              file=sys.stderr)


def serve(settings, args) -> int:
    pid = running_apache_pid(settings)
    if pid is not None:
        # A second start would migrate the data and rewrite the configuration under the
        # running server, then fail to take its ports.
        raise CommandError(f"DevjaVu already runs on this data directory (Apache, pid "
                           f"{pid}): stop it first")
    prepare_data(settings)
    base = f"http://{settings.server_name}"
    print(f"DevjaVu on {base}:{settings.http_port}/ and "
          f"https://{settings.server_name}:{settings.https_port}/ (Ctrl-C stops it)",
          file=sys.stderr)
    # Apache, its children, the mod_wsgi daemon and hooks inherit it: repositories,
    # Trac databases and logs they create are their owner's alone.
    os.umask(datadir.SITE_UMASK)
    exec_apache(settings)
    return 0
