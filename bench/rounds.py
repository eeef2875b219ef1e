"""Interleaving: every round runs each contender once, so that a noisy minute hurts all
of them alike, and the order rotates so that no one always goes first."""


def interleaved(rounds: int, contenders: dict, log=None,
                first_rounds_only: dict[str, int] | None = None) -> dict[str, list]:
    """{name: [result of round 0, round 1, ...]} for {name: measure()}.

    A contender named in `first_rounds_only` runs in that many first rounds only (a slow
    baseline whose ratio to ours is far from its target); ratios pair rounds by index."""
    limits = first_rounds_only or {}
    names = list(contenders)
    results = {name: [] for name in names}
    for number in range(rounds):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            if number >= limits.get(name, rounds):
                continue
            results[name].append(contenders[name]())
            if log is not None:
                log(f"  round {number + 1}/{rounds}: {name}: {results[name][-1]}")
    return results
