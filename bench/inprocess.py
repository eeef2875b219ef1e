"""cProfile for code the harness calls in-process (the authz services): where the time
of a call goes, by function, for the "what limits it" column."""
import cProfile
import pstats


def _name(function_key) -> str:
    filename, _, name = function_key
    if filename == "~":                        # a built-in: "<built-in method posix.fsync>"
        return name.strip("<>").replace("built-in method ", "")
    for marker in ("site-packages/", "dist-packages/", "/work/main/", "/lib/python3.11/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{name} ({filename})"


def profile_call(function, *args) -> dict:
    """Run `function(*args)` under cProfile: its total time, the functions with the most
    time of their own, and DevjaVu's functions with the most time including callees."""
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        function(*args)
    finally:
        profiler.disable()
    stats = pstats.Stats(profiler).stats
    total = sum(tottime for _, _, tottime, _, _ in stats.values())
    own = sorted(((tottime, _name(key)) for key, (_, _, tottime, _, _) in stats.items()),
                 reverse=True)
    ours = sorted(((cumtime, _name(key)) for key, (_, _, _, cumtime, _) in stats.items()
                   if "/devjavu/" in key[0]), reverse=True)
    return {"seconds": total, "self": own[:8], "devjavu": ours[:8]}


def describe(profile: dict) -> str:
    total = profile["seconds"] or 1

    def listing(rows):
        return ", ".join(f"{name} {100 * seconds / total:.0f}%" for seconds, name in rows
                         if seconds / total >= 0.01)

    return (f"cProfile: most time of their own in {listing(profile['self'])}; DevjaVu "
            f"functions including what they call: {listing(profile['devjavu'])}")
