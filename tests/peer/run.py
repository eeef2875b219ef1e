"""`make peer-test`: Subversion's own cmdline suites against this product's Apache.

Fetches the suites from Debian's source package of the installed Subversion, builds
their C helpers against libsvn-dev, starts a site with the product's own rendered
configuration (tests/support/apache.py, as the integration tests do), and runs each
suite over https with the suite's repositories as the site's projects, in public mode
(anonymous read, `* = r`) and private mode. Not a pytest module.

usage: python -m tests.peer.run [--work DIR] [--modes public,private] [--suites a,b]
       [-- test numbers or names, passed to each suite]
"""
import argparse
import os
import pwd
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from devjavu.settings import load_settings
from tests.support.apache import RunningApache, admin
from tests.support.sitedir import SiteDir

SUITES = ["basic", "copy", "move", "commit", "lock", "prop", "update", "switch", "merge",
          "svnsync", "mod_dav_svn"]
MODES = ["public", "private"]
USERS = {"jrandom": "rayjandom", "jconstant": "rayjandom"}    # the suites' own
# The C helpers the suites run (svntest/main.py), by their folder under subversion/tests.
HELPERS = [("cmdline", "entries-dump"), ("cmdline", "atomic-ra-revprop-change"),
           ("cmdline", "lock-helper"), ("libsvn_wc", "wc-lock-tester"),
           ("libsvn_wc", "wc-incomplete-tester")]
LIBRARIES = ["svn_client-1", "svn_wc-1", "svn_ra-1", "svn_repos-1", "svn_fs-1",
             "svn_delta-1", "svn_subr-1", "aprutil-1", "apr-1"]
# Where the product differs from a bare mod_dav_svn on purpose: "<suite file> <number>".
EXPECTED_FAILURES = {
    # A missing repository answers exactly like a private one (DESIGN.md): 403 for a
    # signed-in user, where the test expects "could not open the repository".
    "switch_tests.py 16": "a missing repository answers like a private one",
}
SOURCES_LIST = Path("/etc/apt/sources.list")
SOURCES_DIR = Path("/etc/apt/sources.list.d")
OUR_SOURCES = SOURCES_DIR / "devjavu-deb-src.sources"
SUITE_RUNNER = Path(__file__).resolve().parent / "suite.py"
RESULT = re.compile(r"^(PASS|FAIL|XFAIL|XPASS|SKIP):\s")


def run(*command, **kwargs):
    print("+", " ".join(map(str, command)), flush=True)
    return subprocess.run(command, check=True, **kwargs)


def installed_version() -> str:
    return subprocess.run(["dpkg-query", "-W", "-f=${Version}", "subversion"],
                          capture_output=True, text=True, check=True).stdout.strip()


def _has_deb_src() -> bool:
    files = [SOURCES_LIST, *SOURCES_DIR.glob("*.list"), *SOURCES_DIR.glob("*.sources")]
    for path in files:
        for line in path.read_text().splitlines() if path.exists() else ():
            line = line.strip()
            if line.startswith("deb-src ") or (line.startswith("Types:") and
                                               "deb-src" in line.split()):
                return True
    return False


def ensure_deb_src() -> None:
    """Debian's own sources, for its source packages, next to its binary ones."""
    if _has_deb_src():
        return
    debian = SOURCES_DIR / "debian.sources"
    if not debian.exists():
        sys.exit(f"No deb-src line and no {debian} to derive one from: add a deb-src "
                 "line for Debian's archive to the apt sources, then run this again.")
    text = re.sub(r"^Types:.*$", "Types: deb-src", debian.read_text(), flags=re.M)
    OUR_SOURCES.write_text("# Added by DevjaVu's `make peer-test` (tests/peer/run.py).\n"
                           + text)
    run("apt-get", "update", "-q")


def ensure_source(work: Path, version: str) -> Path:
    upstream = version.split(":")[-1].rsplit("-", 1)[0]
    source = work / f"subversion-{upstream}"
    stamp = work / f".source-{version}"
    if not stamp.exists():
        ensure_deb_src()
        shutil.rmtree(source, ignore_errors=True)
        run("apt-get", "source", "-q", f"subversion={version}", cwd=work)
        stamp.touch()
    return source


def build_helpers(tests: Path) -> None:
    """The C helpers the suites run, against the installed libraries. Their private
    headers come with the source; svn_private_config.h is made by configure, and they
    need only its gettext macros."""
    stub = tests / "peer-include"
    stub.mkdir(exist_ok=True)
    (stub / "svn_private_config.h").write_text(
        "#define _(x) (x)\n#define N_(x) x\n#define U_(x) x\n"
        "#define Q_(x1, x2, n) (((n) == 1) ? x1 : x2)\n")
    apr = subprocess.run(["pkg-config", "--cflags", "apr-1", "apr-util-1"],
                         capture_output=True, text=True, check=True).stdout.split()
    for folder, helper in HELPERS:
        if not (tests / folder / helper).exists():
            run("gcc", "-o", helper, f"{helper}.c", f"-I{stub}", "-I../../include",
                "-I/usr/include/subversion-1", *apr, *[f"-l{lib}" for lib in LIBRARIES],
                cwd=tests / folder)


def start_site(cmdline: Path) -> tuple[SiteDir, RunningApache]:
    site = SiteDir()
    admin(site, "migrate")
    for user, password in USERS.items():
        admin(site, "user", "add", user, "--email", f"{user}@example.com",
              input=password + "\n")
    repos = load_settings(site.ini_path).repos_dir
    repos.mkdir(parents=True, exist_ok=True)
    link = cmdline / "svn"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(repos)
    return site, RunningApache(site)


def hand_to(user: pwd.struct_passwd, *paths: Path) -> None:
    for path in paths:
        run("chown", "-R", f"{user.pw_uid}:{user.pw_gid}", str(path))


def run_suite(site: SiteDir, cmdline: Path, user, mode: str, suite: str,
              extra: list[str], logs: Path) -> dict:
    # The site's ssl directory is root's; the certificate itself is public.
    certificate = cmdline / "peer-server.crt"
    # localhost: serf checks a certificate's DNS names only, not its IP addresses.
    url = f"https://localhost:{site.https_port}"
    shutil.copyfile(site.ssl_dir / "server.crt", certificate)
    command = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}",
               "--init-groups", "/usr/bin/python3", str(SUITE_RUNNER), mode,
               f"{suite}_tests", f"--url={url}", f"--ssl-cert={certificate}",
               "--bin=/usr/bin", "--tools-bin=/usr/bin", *extra]
    started = time.monotonic()
    result = subprocess.run(command, cwd=cmdline, capture_output=True, text=True,
                            env={**os.environ, "HOME": str(cmdline)})
    seconds = time.monotonic() - started
    log = logs / f"{mode}-{suite}.log"
    log.write_text(result.stdout + result.stderr)
    counts = {"PASS": 0, "FAIL": 0, "XFAIL": 0, "XPASS": 0, "SKIP": 0, "expected FAIL": 0}
    failures = []
    for line in result.stdout.splitlines():
        found = RESULT.match(line)
        if found:
            counts[found.group(1)] += 1
            if found.group(1) in ("FAIL", "XPASS"):
                test = " ".join(line.split()[1:3]).rstrip(":")
                if test in EXPECTED_FAILURES:
                    counts[found.group(1)] -= 1
                    counts["expected FAIL"] += 1
                    line += f" (expected: {EXPECTED_FAILURES[test]})"
                failures.append(line)
    if result.returncode != 0 and not failures:
        counts["FAIL"] += 1
        failures.append(f"the suite itself failed (exit {result.returncode}): see {log}")
    return {"seconds": seconds, "counts": counts, "failures": failures, "log": log,
            "returncode": result.returncode}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/devjavu-peer"),
                        help="where the source package is fetched and the suites run")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--suites", default=",".join(SUITES))
    parser.add_argument("tests", nargs="*", help="test numbers or names for each suite")
    options = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("make peer-test runs as root: it installs a source package and runs "
                 "the suites as the site's run user.")
    options.work.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    source = ensure_source(options.work, installed_version())
    cmdline = source / "subversion" / "tests" / "cmdline"
    build_helpers(cmdline.parent)
    prepared = time.monotonic() - began
    logs = options.work / "logs"
    logs.mkdir(exist_ok=True)
    site, apache = start_site(cmdline)
    user = pwd.getpwnam(load_settings(site.ini_path).run_user)
    repos = load_settings(site.ini_path).repos_dir
    results = {}
    try:
        for mode in options.modes.split(","):
            for suite in options.suites.split(","):
                # Each suite and mode starts from nothing: the pristine repository
                # carries its mode's authz.
                for leftover in [*repos.iterdir(), cmdline / "svn-test-work"]:
                    shutil.rmtree(leftover, ignore_errors=True)
                hand_to(user, cmdline.parent, repos)
                results[mode, suite] = outcome = run_suite(site, cmdline, user, mode,
                                                           suite, options.tests, logs)
                counts = outcome["counts"]
                print(f"{mode:8} {suite:12} {outcome['seconds']:7.1f} s  "
                      + "  ".join(f"{k} {v}" for k, v in counts.items() if v), flush=True)
                for line in outcome["failures"]:
                    print(f"    {line}", flush=True)
    finally:
        apache.stop()
        (cmdline / "svn").unlink(missing_ok=True)
        site.remove()
    total = time.monotonic() - began
    failed = sum(r["counts"]["FAIL"] + r["counts"]["XPASS"] for r in results.values())
    print(f"fetch and build {prepared:.0f} s, all {total:.0f} s; {failed} failed; "
          f"logs in {logs}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
