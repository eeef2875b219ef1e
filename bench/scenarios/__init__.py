"""One module per figure group of the issue; each `run(context)` returns a ScenarioResult
and starts and stops its own servers."""
from dataclasses import dataclass
from typing import Callable

from bench.baselines import Baselines
from bench.fixtures.mainsite import MainSite
from bench.plan import Plan
from bench.profiling import Profiler
from bench.workspace import Workspace


@dataclass
class Context:
    plan: Plan
    workspace: Workspace
    main: MainSite
    baselines: Baselines
    profiler: Profiler | None
    log: Callable[[str], None]
