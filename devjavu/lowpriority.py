"""How background work runs a program: at the lowest CPU and disk priority (nice 19,
ionice idle), so that pages and commits of other projects go first, and killed with the
process that started it (setpriv --pdeathsig), so that a killed job runner leaves no
program behind to race the one that resumes its job."""

LOW_PRIORITY = ("setpriv", "--pdeathsig", "KILL", "--", "nice", "-n", "19",
                "ionice", "-c", "3")


def low_priority(command) -> list[str]:
    return [*LOW_PRIORITY, *map(str, command)]
