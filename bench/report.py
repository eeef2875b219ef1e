"""BENCHMARKS.md: the machine, the command, then every figure with its target."""
import statistics
from dataclasses import dataclass

from bench.results import Figure, ScenarioResult


@dataclass
class RunInfo:
    command: str
    started: str          # ISO date and time
    minutes: float
    plan_name: str
    rounds: int
    machine: str
    fixtures: dict[str, float]
    fixture_remarks: list[str]
    noise: str            # load averages, other Apaches running meanwhile


def number(value: float, unit: str) -> str:
    if unit in ("req/s", "MB") or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if unit != "ms" else f"{value:.1f}"


def spread(values: list[float] | None, unit: str) -> str:
    if not values:
        return "—"
    return (f"{number(statistics.median(values), unit)} {unit} "
            f"({number(min(values), unit)}–{number(max(values), unit)})")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def figure_row(figure: Figure) -> str:
    ratio = f"{figure.ratio:.2f}x" if figure.ratio is not None else "—"
    if figure.ratios:
        ratio += f" ({min(figure.ratios):.2f}–{max(figure.ratios):.2f})"
    met = {True: "yes", False: "**NO**", None: "—"}[figure.met()]
    baseline = spread(figure.baseline, figure.unit)
    if figure.baseline and figure.baseline_name:
        baseline += f" [{figure.baseline_name}]"
    cells = [figure.name, spread(figure.ours, figure.unit), baseline, ratio,
             figure.target.text if figure.target else "—", met, figure.limits]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


HEADER = ("| figure | ours: median (min–max) | baseline: median (min–max) | "
          "ratio: median of per-round ratios (min–max) | target | met? | what limits it |\n"
          "| --- | --- | --- | --- | --- | --- | --- |")


def render(info: RunInfo, results: list[ScenarioResult]) -> str:
    lines = [
        "# DevjaVu benchmarks",
        "",
        "Written by `make bench` (bench/run.py); do not edit by hand.",
        "",
        f"- Command: `{info.command}` ({info.plan_name} plan, {info.rounds} rounds)",
        f"- Date: {info.started}; the run took {info.minutes:.1f} minutes",
        f"- Machine: {info.machine}",
        f"- Noise: {info.noise}",
        "",
        "Every figure is measured once per round; ours and its baselines run interleaved",
        "within each round (the order rotates), each on its own Apache on a loopback port.",
        "The figure is the median over rounds with the min–max beside it; a ratio is ours",
        "divided by the baseline within one round, and the median of those is shown.",
        "Pages are loaded with wrk (keep-alive, closed loop), repositories with the real",
        "svn client. Access logs, permissions and session checks stay on everywhere.",
        "",
        "The baselines are the same components without our code: Trac 1.6's own",
        "`trac.wsgi` (`dispatch_request`) under the same Apache and mod_wsgi daemon settings,",
        "Trac as CGI (mod_cgid), both from a virtualenv with the same Trac, Jinja2 and",
        "Pygments versions but without DevjaVu installed, on copies of our projects' Trac",
        "environments (same database and repository) whose shared trac.ini lacks our",
        "components; mod_dav_svn with no authentication (same bulk-update setting); and a",
        "plain Apache with the same server settings for static files.",
        "",
    ]
    missed = [f for r in results for f in r.figures if f.met() is False]
    if missed:
        lines += [f"**{len(missed)} target(s) missed**: "
                  + "; ".join(f"{f.scenario.split('.')[0]}: {f.name}" for f in missed) + ".", ""]
    for result in results:
        lines += [f"## {result.title}", ""]
        if result.error:
            lines += ["The scenario failed; nothing was measured:", "", "```",
                      result.error.strip(), "```", ""]
        if result.figures:
            lines += [HEADER] + [figure_row(f) for f in result.figures] + [""]
        for caption, header, rows in result.tables:
            lines += [caption, "", "| " + " | ".join(header) + " |",
                      "|" + " --- |" * len(header)]
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
            lines.append("")
        for note in result.notes:
            lines += [f"- {note}"]
        if result.notes:
            lines.append("")
    lines += ["## Fixtures", "", "Built by the run in a temporary directory, then removed:", ""]
    lines += [f"- {step}: {seconds:.1f} s" for step, seconds in info.fixtures.items()]
    lines += [f"- {remark}." for remark in info.fixture_remarks]
    return "\n".join(lines) + "\n"


def _sections(text: str) -> tuple[str, dict[str, str]]:
    """(what comes before the first section, {"## title": section text}) in order."""
    head, *parts = text.split("\n## ")
    return head + "\n", {f"## {part.split(chr(10), 1)[0]}": f"## {part.rstrip()}\n\n"
                         for part in parts}


def merge(existing: str, info: RunInfo, results: list[ScenarioResult]) -> str:
    """`existing` BENCHMARKS.md with the sections of `results` (a run of some scenarios,
    `--only ... --merge`) put in place of theirs, or added before the fixtures; the head
    says which were measured again, when and how."""
    head, sections = _sections(existing)
    _, fresh = _sections(render(info, results))
    fixtures = sections.pop("## Fixtures", "")
    for title, text in fresh.items():
        if title != "## Fixtures":
            sections[title] = text
    missed = [f for r in results for f in r.figures if f.met() is False]
    note = (f"- Measured again by `{info.command}` ({info.plan_name} plan) on "
            f"{info.started} in {info.minutes:.1f} minutes, on {info.machine}; "
            f"noise: {info.noise}: " + ", ".join(r.title for r in results)
            + (f" ({len(missed)} target(s) missed there: "
               + "; ".join(f.name for f in missed) + ")" if missed else "") + ".")
    lines = head.rstrip("\n").split("\n")
    at = max((i for i, line in enumerate(lines) if line.startswith("- ")), default=0) + 1
    lines.insert(at, note)
    ordered = sorted(sections.items(), key=lambda item: _section_number(item[0]))
    return ("\n".join(lines) + "\n\n" + "".join(text for _, text in ordered)
            + fixtures).rstrip("\n") + "\n"


def _section_number(title: str) -> float:
    first = title[3:].split(".", 1)[0]
    return int(first) if first.isdigit() else float("inf")
