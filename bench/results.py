"""What a scenario measured: figures (one value per round), their targets, and notes."""
import statistics
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Bound:
    subject: str        # "value" (the median of ours) or "ratio" (median ours/baseline)
    at_least: float | None = None
    at_most: float | None = None

    def holds_for(self, number: float) -> bool:
        if self.at_least is not None and number < self.at_least:
            return False
        return self.at_most is None or number <= self.at_most


@dataclass(frozen=True)
class Target:
    text: str
    bounds: tuple[Bound, ...]

    def __and__(self, other: "Target") -> "Target":
        return Target(f"{self.text} and {other.text}", self.bounds + other.bounds)


def ratio_at_least(bound: float) -> Target:
    return Target(f"≥ {bound:g}x", (Bound("ratio", at_least=bound),))


def ratio_at_most(bound: float) -> Target:
    return Target(f"≤ {bound:g}x", (Bound("ratio", at_most=bound),))


def value_at_least(bound: float, unit: str) -> Target:
    return Target(f"≥ {bound:,g} {unit}", (Bound("value", at_least=bound),))


def value_at_most(bound: float, unit: str) -> Target:
    return Target(f"≤ {bound:,g} {unit}", (Bound("value", at_most=bound),))


@dataclass
class Figure:
    """One row of the table. `ours[i]` and `baseline[i]` were measured in round i."""
    scenario: str
    name: str
    unit: str
    ours: list[float]
    baseline: list[float] | None = None
    baseline_name: str = ""
    target: Target | None = None
    limits: str = ""

    @property
    def ratios(self) -> list[float]:
        if not self.baseline:
            return []
        return [o / b for o, b in zip(self.ours, self.baseline) if b]

    @property
    def ratio(self) -> float | None:
        return statistics.median(self.ratios) if self.ratios else None

    @property
    def median(self) -> float:
        return statistics.median(self.ours)

    def met(self) -> bool | None:
        if self.target is None or not self.ours:
            return None
        for bound in self.target.bounds:
            number = self.ratio if bound.subject == "ratio" else self.median
            if number is None or not bound.holds_for(number):
                return False
        return True


@dataclass
class ScenarioResult:
    title: str
    figures: list[Figure] = field(default_factory=list)
    # Free text for the report: breakdowns, profiles, what was checked.
    notes: list[str] = field(default_factory=list)
    # Extra tables: (caption, header row, rows).
    tables: list[tuple[str, list[str], list[list[str]]]] = field(default_factory=list)
    error: str = ""
