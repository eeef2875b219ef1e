"""Bringing the site in step: what every start, restore and rename relies on.

A project's directories carry things that must follow the release and the place they
live in: hooks an older DevjaVu installed, the absolute paths in its Trac environment
(the shared trac.ini, the repository, the directory Trac's cache was filled from), the
authz file generated from the database. And a site accumulates what killed processes
leave: half-written authz files, dead svn transactions, half-made projects and imports,
records of Apache children that died mid-commit, an expired trash, and imports' secrets
(handed over, or cached for svnsync) that a killed process left. One function here does each
part, so that a start (`serve`, `migrate`) and a restore do the same thing; a project's
directories that were moved (a rename, a restore) are placed by
devjavu.projects.moves.place_project.
"""
import configparser
import logging

from devjavu.authz.install import regenerate_all, remove_leftovers
from devjavu.jobs import secrets
from devjavu.migrate import upgrade_to_head
from devjavu.projects import dumpupload, journal, service, staging, trash
from devjavu.projects.redirect_map import write_redirect_map
from devjavu.projects.renamed_names import drop_expired
from devjavu.settings import Settings
from devjavu.site import Site
from devjavu.svn import childwatch
from devjavu.svn.mirror import remove_abandoned_sessions
from devjavu.svn.repository import RepositoryError, remove_dead_transactions, update_hooks
from devjavu.tracenv import TracEnvError, place_environment
from devjavu.tracenv.config import project_ini_path, read_project_ini

log = logging.getLogger(__name__)


def trac_paths_out_of_step(settings: Settings, name: str) -> bool:
    """Whether the project's trac.ini names another data directory's shared trac.ini or
    repository (reading one small file, where placing opens the environment). A missing
    or unreadable trac.ini is not: placing cannot repair it."""
    try:
        options = read_project_ini(project_ini_path(settings, name))
    except (configparser.Error, OSError, UnicodeDecodeError):
        return False
    return bool(options) and (
        options.get(("inherit", "file")) != str(settings.shared_trac_ini)
        or options.get(("repositories", ".dir")) != str(settings.repository_path(name)))


def upgrade_and_bring_in_step(site: Site) -> list[str]:
    """What every start does (`serve`, `migrate`): the schema to head, then the rest."""
    upgrade_to_head(site.engine)
    return bring_site_in_step(site)


def bring_site_in_step(site: Site) -> list[str]:
    """Everything a start does once the schema is current; returns the access files that
    could not be written (authz.install.GROUPS_FILE and project names). A project that
    fails any part is logged and the others carry on: one must not keep the site down."""
    settings = site.settings
    with site.reading() as db:
        # A project whose authz file cannot be rewritten is shut (fail closed) until the
        # next regeneration; /_health shows it.
        failed = regenerate_all(db, settings)
        names = [project.name for project in service.list_projects(db)]
        remove_leftovers(settings, names)
        for name in names:
            _project_in_step(settings, name)
        journal.settle(db, settings)       # creations a killed process left half-made
    for staged in staging.remove_abandoned_imports(settings):
        log.warning("removed %s, left by an import that was killed", staged)
    with site.reading() as db:
        for upload in dumpupload.remove_unclaimed_uploads(db, settings):
            log.warning("removed the uploaded dump %s, which no import will load", upload)
    # A source's password handed to the job runner and not taken lives no longer than
    # the run it was given in: its job waits for its owner to give it again.
    secrets.discard_all(settings)
    remove_abandoned_sessions(settings.run_dir / "imports")
    # Apache children of the last run that were killed: verify what they were writing.
    childwatch.verify_after_unclean_ends(settings)
    with site.reading() as db:
        trash.settle_purges(db, settings)
    with site.unit_of_work() as db:
        trash.purge_expired(db, settings)
        drop_expired(db)
    with site.reading() as db:
        # Old names whose period ended leave the map, and a lost map comes back.
        write_redirect_map(db, settings)
    return failed


def _project_in_step(settings: Settings, name: str) -> None:
    try:
        # Hooks an older version installed go at every start, so that an upgrade takes
        # them out of every commit.
        update_hooks(settings, name)
        removed = remove_dead_transactions(settings, name)
        if removed:
            log.warning("removed %d dead transaction(s) of %s", removed, name)
        if trac_paths_out_of_step(settings, name):
            place_environment(settings, name)
            log.warning("Trac of %s now points at %s", name, settings.repository_path(name))
    except (RepositoryError, TracEnvError, OSError) as e:
        log.error("%s not brought in step: %s", name, e)
