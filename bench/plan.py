"""How big and how long: the full run that `make bench` does, and `--quick` for a smoke run."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    name: str
    # Every figure is the median of this many rounds; ratios are taken within a round.
    rounds: int
    # wrk run lengths, seconds.
    page_seconds: int
    cgi_seconds: int
    static_seconds: int
    dashboard_seconds: int
    # The main site: projects with a real repository and Trac, and its users.
    projects: int
    users: int
    # Users who belong to projects; each is in `members_per_project` projects.
    active_users: int
    members_per_project: int
    # Projects of scenario 2 (one daemon process serving them all).
    spread_projects: int
    # Scenario 4: visits after the first pass, to see whether anything still grows.
    revisits: int
    # Scenario 5: rows only, no Trac.
    authz_projects: int
    authz_users: int
    # Scenario 3: the checked-out tree and the commit.
    tree_files: int
    commit_files: int
    # Scenario 8: seconds of the peak-hour load per contender and round.
    peak_seconds: int
    # Scenario 9: the dump imported beside readers, and the readers' quiet seconds.
    import_megabytes: int
    import_revisions: int
    import_rounds: int
    import_quiet_seconds: int


FULL = Plan(name="full", rounds=5, page_seconds=6, cgi_seconds=15, static_seconds=3,
            dashboard_seconds=6, projects=1000, users=10000, active_users=1000,
            members_per_project=10, spread_projects=100, revisits=300,
            authz_projects=10000, authz_users=10000, tree_files=1000, commit_files=100,
            peak_seconds=20, import_megabytes=1024, import_revisions=2000,
            import_rounds=1, import_quiet_seconds=20)

QUICK = Plan(name="quick", rounds=2, page_seconds=3, cgi_seconds=6, static_seconds=2,
             dashboard_seconds=3, projects=120, users=1000, active_users=100,
             members_per_project=10, spread_projects=20, revisits=60,
             authz_projects=1000, authz_users=1000, tree_files=200, commit_files=20,
             peak_seconds=8, import_megabytes=64, import_revisions=200, import_rounds=1,
            import_quiet_seconds=6)
