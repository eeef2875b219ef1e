"""Target 5: Subversion access data at scale, on a site with many projects of ten members
each. A membership change for one project and a site admin granted or revoked (one groups
file for every repository), each from the service call until Apache enforces it, and a
full regeneration of every project's authz file, each one changed."""
import statistics
import time
from pathlib import Path

from sqlalchemy import select

from bench.fixtures.accounts import PASSWORD
from bench.fixtures.authzsite import PROBE_PROJECT, PROBE_USER, SITE_ADMIN, build_authz_site
from bench.inprocess import describe, profile_call
from bench.load.http import Connection, basic_auth
from bench.oursite import our_apache
from bench.privileges import as_run_user
from bench.results import Figure, ScenarioResult, value_at_most
from bench.scenarios import Context
from bench.servers import running
from devjavu import authz, fsutil
from devjavu.authz import install
from devjavu.accounts.users import get_user
from devjavu.models import Project, Role
from devjavu.projects.service import add_member, get_project, remove_member
from devjavu.site import Site

TITLE = "5. Subversion access data at scale"
CHANGE_BOUND_MS = 20
REGENERATION_BOUND_S = 2
ENFORCEMENT_TIMEOUT_S = 10
# Fresh connections before measuring, so that every Apache worker process has verified
# the probe user's password once (the cache of verified passwords is per process).
WORKER_WARMING_CONNECTIONS = 40
# Requests on a connection opened before a change, once fresh connections see it.
STALE_CHECKS = 20
# How much of the work is profiled (cProfile), after the timed rounds.
PROFILED_PROJECTS = 500
PROFILED_CHANGES = 10


def _hand_edit_every_file(settings, names: list[str]) -> None:
    """Every project's file differs from what the database says, as after a hand edit or
    an upgrade that changes the files' format: a regeneration must rewrite them all."""
    for name in names:
        with open(install.authz_path(settings, name), "a", encoding="utf-8") as f:
            f.write("# edited by hand\n")
    fsutil.sync_filesystem(settings.repos_dir)


def bare_replacement_seconds(settings, names: list[str]) -> float:
    """The file system's share of a regeneration: as many files, each replaced the same
    atomic way (temp file beside it, one syncfs, rename over the old file, one syncfs)
    with nothing else: no database, no rendering, no validation."""
    text = install.authz_path(settings, names[0]).read_text()
    paths = [install.authz_path(settings, name).with_name("bench-bare") for name in names]
    for path in paths:
        path.write_text(text)
    fsutil.sync_filesystem(paths[0].parent)
    started = time.perf_counter()
    failures = fsutil.atomic_write_many((path, text + "#\n", None) for path in paths)
    elapsed = time.perf_counter() - started
    for path in paths:
        path.unlink()
    if failures:
        raise RuntimeError(f"bare replacement failed: {list(failures.values())[:1]}")
    return elapsed


def measure_regeneration(settings, rounds: int) -> dict:
    """As the run user, `rounds` times: a full regeneration (every file edited by hand
    first), then the bare file system work for as many files; a pass with nothing to
    change, and a profile of a regeneration of PROFILED_PROJECTS changed files."""
    site = Site(settings)
    full, bare = [], []
    with site.reading() as db:
        names = db.scalars(select(Project.name).order_by(Project.name)).all()
    for _ in range(rounds):
        _hand_edit_every_file(settings, names)
        started = time.perf_counter()
        with site.reading() as db:
            failed = install.regenerate_all(db, settings)
        full.append(time.perf_counter() - started)
        if failed:
            raise RuntimeError(f"regeneration failed for {failed[:5]}")
        bare.append(bare_replacement_seconds(settings, names))
    started = time.perf_counter()
    with site.reading() as db:
        install.regenerate_all(db, settings)
    unchanged = time.perf_counter() - started
    with site.reading() as db:
        in_step = install.out_of_step(db, settings) == []
    _hand_edit_every_file(settings, names[:PROFILED_PROJECTS])
    with site.reading() as db:
        names = db.scalars(select(Project.name).order_by(Project.name)
                           .limit(PROFILED_PROJECTS)).all()
        profile = profile_call(install.regenerate_projects, db, settings, names)
    site.dispose()
    return {"full": full, "bare": bare, "unchanged": unchanged, "in_step": in_step,
            "profile": profile}


def profile_changes(settings) -> dict:
    """As the run user: add and remove the probe member PROFILED_CHANGES times, profiled
    (no HTTP): where the time of a membership change goes."""
    site = Site(settings)

    def changes():
        for _ in range(PROFILED_CHANGES):
            for change in (add_member, remove_member):
                with site.unit_of_work() as db:
                    project, user = get_project(db, PROBE_PROJECT), get_user(db, PROBE_USER)
                    if change is add_member:
                        add_member(db, project, user, Role.VIEWER)
                    else:
                        remove_member(db, project, user)

    profile = profile_call(changes)
    site.dispose()
    return profile


def _membership_change(site, change: str):
    def run():
        with site.unit_of_work() as db:
            project, user = get_project(db, PROBE_PROJECT), get_user(db, PROBE_USER)
            if change == "add":
                add_member(db, project, user, Role.VIEWER)
            else:
                remove_member(db, project, user)
    return run


def _site_admin_change(site, is_admin: bool):
    """What /admin's make-admin and revoke-admin do, less the audit record."""
    def run():
        with site.unit_of_work() as db:
            get_user(db, SITE_ADMIN).is_admin = is_admin
            authz.mark_site_admins_stale(db)
    return run


def measure_enforcement(settings, base_url: str, rounds: int) -> dict:
    """As the run user, `rounds` times: add PROBE_USER to the private probe project and
    poll a real svn request until Apache lets them in, remove them and poll until it
    refuses; then the same for SITE_ADMIN made a site admin and back (no member of the
    probe project: the groups file alone lets them in).

    Each poll is a new connection, as each new svn command is: mod_authz_svn keeps the
    authz file it parsed for the life of a connection, so a connection opened before the
    change is watched separately."""
    site = Site(settings)
    path = f"/svn/{PROBE_PROJECT}/"
    changes = [("add", PROBE_USER, 200, _membership_change(site, "add")),
               ("remove", PROBE_USER, 403, _membership_change(site, "remove")),
               ("grant", SITE_ADMIN, 200, _site_admin_change(site, True)),
               ("revoke", SITE_ADMIN, 403, _site_admin_change(site, False))]

    def fresh_status(username: str) -> int:
        connection = Connection(base_url)
        try:
            return connection.get(path, [basic_auth(username, PASSWORD)]).status
        finally:
            connection.close()

    # Every worker process verifies each password once, then remembers it.
    for username in (PROBE_USER, SITE_ADMIN):
        before = {fresh_status(username) for _ in range(WORKER_WARMING_CONNECTIONS)}
        if before != {403}:
            raise AssertionError(f"{username} got {before} from {path}, expected 403")
    results = {"polls": 0, "stale_connections": 0, "stale_requests": 0}
    for _ in range(rounds):
        for change, username, wanted, make_change in changes:
            credentials = [basic_auth(username, PASSWORD)]
            kept_open = Connection(base_url)
            kept_open.get(path, credentials)
            started = time.perf_counter()
            make_change()
            committed = time.perf_counter()
            while fresh_status(username) != wanted:
                results["polls"] += 1
                if time.perf_counter() - started > ENFORCEMENT_TIMEOUT_S:
                    raise AssertionError(f"{change}: Apache never answered {wanted}")
            results.setdefault(change, []).append((time.perf_counter() - started) * 1000)
            results.setdefault(f"{change}_commit", []).append((committed - started) * 1000)
            stale = [kept_open.get(path, credentials).status != wanted
                     for _ in range(STALE_CHECKS)]
            results["stale_connections"] += all(stale)
            results["stale_requests"] += sum(stale)
            kept_open.close()
    site.dispose()
    return results


def stale_connection_note(enforcement: dict, changes: int) -> str:
    if not enforcement["stale_requests"]:
        return "A connection opened before a change saw the change as well."
    return (f"A connection opened before the change kept the old answer for all "
            f"{STALE_CHECKS} requests after it in {enforcement['stale_connections']} of "
            f"{changes} changes ({enforcement['stale_requests']} stale answers): "
            f"mod_authz_svn keeps the authz file it parsed for the life of a connection, so "
            f"a member removed mid-checkout keeps access until the connection closes "
            f"(KeepAliveTimeout idle, or MaxKeepAliveRequests, in apache/httpd.conf.in).")


def _mount_options(settings) -> str:
    """'ext4 mounted rw,relatime,discard' for the file system holding the data dir."""
    best = ("", "", "")
    target = str(settings.data_dir.resolve())
    for line in Path("/proc/mounts").read_text().splitlines():
        _, mount_point, kind, options, *_ = line.split()
        if target.startswith(mount_point) and len(mount_point) > len(best[0]):
            best = (mount_point, kind, options)
    return f"{best[1]} mounted {best[2]}" if best[0] else "unknown file system"


def run(context: Context) -> ScenarioResult:
    plan, log = context.plan, context.log
    authz_site = build_authz_site(context.workspace, plan, log)
    settings = authz_site.settings
    result = ScenarioResult(TITLE)
    server = our_apache("ours-authz", authz_site.site, context.workspace)
    with running(server):
        log("authz: membership and site admin changes against the running Apache")
        enforcement = as_run_user(settings, measure_enforcement, settings, server.url,
                                  plan.rounds)
    # A full regeneration rewrites every file and takes long at this scale: three rounds
    # at most, each with every file changed.
    toggles = min(plan.rounds, 3)
    log(f"authz: {toggles} full regenerations of {authz_site.projects} files")
    regeneration = as_run_user(settings, measure_regeneration, settings, toggles)
    n = authz_site.projects
    add = Figure(TITLE, f"add a member to one project, until Apache lets them in "
                 f"({n} projects x {plan.members_per_project} members)", "ms",
                 enforcement["add"], target=value_at_most(CHANGE_BOUND_MS, "ms"))
    remove = Figure(TITLE, "remove that member, until Apache refuses them", "ms",
                    enforcement["remove"], target=value_at_most(CHANGE_BOUND_MS, "ms"))
    grant = Figure(TITLE, "make someone a site admin, until Apache lets them into a "
                   "project they are no member of", "ms", enforcement["grant"],
                   target=value_at_most(REGENERATION_BOUND_S * 1000, "ms"))
    revoke = Figure(TITLE, "revoke that site admin, until Apache refuses them", "ms",
                    enforcement["revoke"],
                    target=value_at_most(REGENERATION_BOUND_S * 1000, "ms"))
    full = Figure(TITLE, f"full regeneration of all {n} projects' authz files, every one "
                  f"changed (edited by hand)", "s", regeneration["full"], baseline=regeneration["bare"],
                  baseline_name="the same number of files replaced atomically, file "
                  "system calls only",
                  target=value_at_most(REGENERATION_BOUND_S, "s"))
    change_profile = as_run_user(settings, profile_changes, settings)
    for figure, commit in ((add, enforcement["add_commit"]),
                           (remove, enforcement["remove_commit"])):
        if figure.met() is False:
            figure.limits = (
                f"the service call and its commit, which rewrites the project's authz file "
                f"before returning, take {statistics.median(commit):.1f} ms of it, and a new "
                f"connection sees the new file at once. Of {2 * PROFILED_CHANGES} changes "
                f"without HTTP, {describe(change_profile)}")
    if full.met() is False:
        per_file = statistics.median(full.ours) / n * 1000
        bare = statistics.median(regeneration["bare"])
        full.limits = (
            f"{per_file:.2f} ms per project, of which the file system calls alone (a temp "
            f"file, a rename over the old file, two syncfs for all) take "
            f"{bare / n * 1000:.2f} ms: {bare:.1f} s for {n} files on this disk, where "
            f"replacing a file frees the old one's blocks ({_mount_options(settings)}); "
            f"a pass that finds nothing to change takes {regeneration['unchanged']:.1f} s. "
            f"Such a rewrite is only needed to repair files edited or damaged outside "
            f"DevjaVu, or after an upgrade that changes their format: a change that touches "
            f"every project (a site admin granted or revoked) rewrites the one groups file "
            f"(figures above). Of a regeneration of {PROFILED_PROJECTS} changed files, "
            f"{describe(regeneration['profile'])}")
    result.figures += [add, remove, grant, revoke, full]
    result.notes += [
        f"A regeneration with nothing to change: {regeneration['unchanged']:.1f} s. "
        f"Writing all {n} files from nothing (when the fixture was built): "
        f"{authz_site.initial_generation_seconds:.1f} s.",
        f"Of a membership change, the service call and commit (with the authz file "
        f"rewritten by the after-commit hook) took a median "
        f"{statistics.median(enforcement['add_commit']):.1f} ms (add) and "
        f"{statistics.median(enforcement['remove_commit']):.1f} ms (remove); of a site admin "
        f"change (the groups file rewritten), {statistics.median(enforcement['grant_commit']):.1f}"
        f" ms (grant) and {statistics.median(enforcement['revoke_commit']):.1f} ms (revoke). "
        f"Once the commit had returned, a new connection saw the change "
        + ("at its first request." if not enforcement["polls"] else
           f"after {enforcement['polls']} extra requests in all {4 * plan.rounds} changes."),
        stale_connection_note(enforcement, 4 * plan.rounds),
        f"The authz files said what the database says after the last round: "
        f"{regeneration['in_step']}.",
    ]
    return result
