"""Writing authz files: atomically, and only once validated against the database.

A project whose file cannot be written or fails validation loses its file (fail closed:
mod_authz_svn then refuses every request to that repository, and to it alone) until a
regeneration succeeds; the old file would keep granting what the database took away. The
site admins' groups file, which every repository shares, keeps its previous version
instead: without it every project would be locked at once (the svn auth provider refuses
an admin revoked meanwhile whom it still names: devjavu/apachechild/staleadmins.py).

This is the writer: it checks each file with Subversion's own parser (the bindings), so
it runs where access is changed (the mod_wsgi daemon, the CLI), never in Apache's
children. Services only mark access as changed (devjavu/authz/stale.py).
"""
import contextlib
import functools
import logging
import tempfile
from pathlib import Path

import svn.core
import svn.repos

from sqlalchemy import select
from sqlalchemy.orm import Session

from devjavu.apacheconf.running import configuration_in_use
from devjavu.authz.build import (SITE_ADMINS_GROUP, SITE_ADMINS_RULE, expected_access_of,
                                 parse_authz_root, parse_site_admins, project_rules,
                                 render_groups, render_project_authz, site_admins)
from devjavu.fsutil import atomic_write, atomic_write_many, remove_stale, remove_stale_temps
from devjavu.authz import stale
from devjavu.models import Project
from devjavu.settings import Settings

log = logging.getLogger(__name__)

# How a failure or a stale groups file is named among project names.
GROUPS_FILE = "authz/groups"
# The temporary directories of reference_files().
_CHECKING_PREFIX = ".check-"


class AuthzError(RuntimeError):
    """An authz file failed validation or could not be written."""


def authz_path(settings: Settings, project_name: str) -> Path:
    return settings.repository_path(project_name) / "conf" / "authz"


@contextlib.contextmanager
def reference_files(beside: Path | None = None):
    """(no_admins, admins_only): two fixed files that Subversion's parser reads beside
    ours. A project's file is checked with a groups file whose admins' group is empty, so
    that a member who is also a site admin is checked for their own role; a groups file is
    checked through an authz file that grants only the admins' group. They go in a
    temporary directory in `beside` (the data directory's authz/, so that a full /tmp
    cannot stop access changes), else in the system's."""
    with tempfile.TemporaryDirectory(prefix=_CHECKING_PREFIX, dir=beside) as directory:
        no_admins, admins_only = Path(directory, "no-admins"), Path(directory, "admins-only")
        no_admins.write_text(f"[groups]\n{SITE_ADMINS_GROUP} =\n")
        admins_only.write_text(f"[/]\n{SITE_ADMINS_RULE} = rw\n")
        yield no_admins, admins_only


# What to ask Subversion to confirm each access: (level, granted?). Subversion refuses
# write-only rules, so write granted implies read, and read refused implies no write;
# each check costs ~10 us in the bindings, twenty per file of ten members otherwise.
_QUESTIONS = {
    "rw": ((svn.repos.svn_authz_write, True),),
    "r": ((svn.repos.svn_authz_read, True), (svn.repos.svn_authz_write, False)),
    "": ((svn.repos.svn_authz_read, False),),
}


def _check_with_subversion(path: Path, authz: Path, groups: Path,
                           access: dict[str, str]) -> None:
    """Subversion's own authz parser (the one mod_authz_svn uses, in-process: a
    `svnauthz` process per file would cost milliseconds) must accept the authz file with
    the groups file and grant every user exactly `access`."""
    pool = svn.core.svn_pool_create()
    try:
        rules = svn.repos.authz_read2(str(authz), str(groups), True, pool)
        for username, expected in access.items():
            if username == "*" or username == SITE_ADMINS_RULE:
                continue                   # the bindings cannot ask for anonymous, and
                                           # the admins' group is checked by name below
            for level, wanted in _QUESTIONS[expected]:
                granted = svn.repos.authz_check_access(rules, "", "/", username, level,
                                                       pool)
                if bool(granted) != wanted:
                    raise AuthzError(f"{path} gives {username} the wrong access")
    except svn.core.SubversionException as e:
        raise AuthzError(f"Subversion rejects {path}: {e}") from None
    finally:
        svn.core.svn_pool_destroy(pool)


def _read_back(path: Path, parse):
    try:
        return parse(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise AuthzError(f"{path} does not parse back: {e}") from None


def validate_authz_file(path: Path, access: dict[str, str], no_admins: Path) -> None:
    """A project's file: Subversion accepts it and grants each member exactly their
    access, and it says nothing else (`no_admins` from reference_files())."""
    _check_with_subversion(path, path, no_admins, access)
    if _read_back(path, parse_authz_root) != project_rules(access):
        raise AuthzError(f"{path} does not match the database")


def validate_groups_file(path: Path, admins: list[str], admins_only: Path) -> None:
    """The groups file: Subversion accepts it, the admins' rule of a project's file gives
    each site admin full access through it, and it names no one else."""
    _check_with_subversion(path, admins_only, path, dict.fromkeys(admins, "rw"))
    if _read_back(path, parse_site_admins) != admins:
        raise AuthzError(f"{path} does not match the database")


def write_groups_file(db: Session, settings: Settings) -> list[str]:
    """Rewrite the groups file if it differs from the database, validated and atomically;
    returns [GROUPS_FILE] if that failed (the previous file stays), else []."""
    admins = site_admins(db)
    text = render_groups(admins)
    path = settings.authz_groups_path
    if _on_disk(path) == text:
        return []
    try:
        path.parent.mkdir(exist_ok=True)
        with reference_files(path.parent) as (_, admins_only):
            atomic_write(path, text, functools.partial(
                validate_groups_file, admins=admins, admins_only=admins_only))
    except (OSError, AuthzError) as e:
        log.error("the site admins' group not updated, the previous file stays: %s", e)
        return [GROUPS_FILE]
    return []


def _planned(db: Session, settings: Settings, projects: list[Project]):
    """(project, path, access, text) for each project, from one reading of the database."""
    access_of = expected_access_of(db, projects)
    for project in projects:
        access = access_of[project.id]
        yield (project, authz_path(settings, project.name), access,
               render_project_authz(project.name, access))


def _on_disk(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _running_apache_lacks_groups_file(settings: Settings) -> bool:
    """An Apache started before its configuration named the groups file (by an older
    DevjaVu, still running after an upgrade) would refuse every project file that grants
    the admins' group: every user locked out until it restarts."""
    configuration = configuration_in_use(settings)
    return configuration is not None and "AuthzSVNGroupsFile" not in configuration


def write_authz_files(db: Session, settings: Settings, projects: list[Project]) -> list[str]:
    """Rewrite the authz files of `projects` that differ from the database, validated and
    atomically; returns the names that failed. A project whose file failed to be written
    or validated has it removed (see _shut_out); one whose repository is missing has none.
    If the running Apache or the groups file would make Apache refuse every project's
    file, each keeps its previous file and every name is returned."""
    if _running_apache_lacks_groups_file(settings):
        log.error("authz files not updated, the previous files stay: the running Apache "
                  "was started by an older DevjaVu, without the site admins' groups file; "
                  "restart the site (`devjavu-admin serve`), which brings them in step")
        return sorted(project.name for project in projects)
    if not settings.authz_groups_path.exists() and write_groups_file(db, settings):
        # Every project file names the admins' group: without the file that defines
        # it, Apache would refuse each one. Keep the previous files.
        return [GROUPS_FILE] + sorted(project.name for project in projects)
    changed, failed = {}, []
    for project, path, access, text in _planned(db, settings, projects):
        if not path.parent.is_dir():
            log.error("authz for %s not updated: repository %s is missing",
                      project.name, path.parent.parent)
            failed.append(project.name)
        elif _on_disk(path) != text:
            changed[path] = (project.name, text, access)
    if not changed:
        return sorted(failed)
    try:
        with reference_files(settings.authz_dir) as (no_admins, _):
            failures = atomic_write_many(
                (path, text, functools.partial(validate_authz_file, access=access,
                                               no_admins=no_admins))
                for path, (_, text, access) in changed.items())
    except OSError as e:          # no room, or no right, for the reference files
        failures = dict.fromkeys(changed, e)
    for path, error in failures.items():
        failed.append(changed[path][0])
        _shut_out(changed[path][0], path, error)
    return sorted(failed)


def _shut_out(project_name: str, path: Path, error: Exception) -> None:
    """The project's new file could not be installed: remove the live one, which may grant
    what the database no longer does (a member removed, the project made private). A
    missing per-repository file makes mod_authz_svn refuse that repository only, and
    unlinking needs no free disk space; out_of_step() lists the project until a
    regeneration writes its file."""
    try:
        path.unlink(missing_ok=True)
    except OSError as e:
        log.critical("authz for %s not updated (%s), and its previous file could not be "
                     "removed, so it may still grant revoked access: %s", project_name,
                     error, e)
        return
    log.error("authz for %s not updated, so svn access to it is denied until it is: %s",
              project_name, error)


def regenerate_projects(db: Session, settings: Settings, names) -> list[str]:
    """Rewrite the authz files of the named projects; returns the names that failed."""
    return write_authz_files(db, settings, db.scalars(
        select(Project).where(Project.name.in_(sorted(names)),
                              Project.deleted_at.is_(None))).all())


def regenerate_all(db: Session, settings: Settings) -> list[str]:
    """Rewrite the groups file and every project's file that differ from the database;
    returns what failed: GROUPS_FILE and project names."""
    failed = write_groups_file(db, settings)
    return failed + write_authz_files(db, settings, _live_projects(db))


def out_of_step(db: Session, settings: Settings) -> list[str]:
    """What on disk is not what the database says it should be: GROUPS_FILE first, then
    projects by name (among them any shut out by a failed write, whose file is missing)."""
    groups = _on_disk(settings.authz_groups_path) != render_groups(site_admins(db))
    return [GROUPS_FILE] * groups + [
        project.name for project, path, _, text
        in _planned(db, settings, _live_projects(db)) if _on_disk(path) != text]


def remove_leftovers(settings: Settings, project_names, older_than_seconds=3600) -> int:
    """Temp files and checking directories that a killed process left in the authz
    locations (never read by Apache, but they pile up); returns how many were removed."""
    removed = remove_stale_temps(settings.authz_groups_path, older_than_seconds)
    for name in project_names:
        removed += remove_stale_temps(authz_path(settings, name), older_than_seconds)
    return removed + remove_stale(settings.authz_dir.glob(f"{_CHECKING_PREFIX}*"),
                                  older_than_seconds)


def _live_projects(db: Session) -> list[Project]:
    return db.scalars(select(Project).where(Project.deleted_at.is_(None))
                      .order_by(Project.name)).all()


def write_marked(db: Session) -> None:
    """The site's after-commit writer (devjavu/site.py): rewrite what the committed
    transaction marked stale (devjavu/authz/stale.py)."""
    settings = db.info["settings"]
    names, admins = stale.take_marks(db)
    # The committed session cannot run SQL any more: read the new state in a fresh one.
    with Session(bind=db.get_bind()) as fresh:
        if admins:
            write_groups_file(fresh, settings)
        if names:
            regenerate_projects(fresh, settings, names)
