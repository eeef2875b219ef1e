"""Running fixture code and measurements as the run user (www-data).

Everything in a site's data directory belongs to the user Apache's workers run as, so
code that writes there runs in a forked child that has dropped root for good, as
`devjavu-admin` does; its result comes back through a pipe as JSON.
"""
import json
import os
import sys
import traceback

from devjavu import datadir


class ChildFailed(RuntimeError):
    """The child running as the run user raised; the message carries its traceback."""


def _start_child(settings, function, args) -> tuple[int, int]:
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid != 0:
        os.close(write_end)
        return pid, read_end
    os.close(read_end)
    code = 0
    try:
        datadir.drop_privileges(settings)
        payload = {"result": function(*args)}
    except BaseException:  # the child must report, never return into the parent's code
        payload = {"error": traceback.format_exc()}
        code = 1
    with os.fdopen(write_end, "w") as out:
        json.dump(payload, out)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _collect(pid: int, read_end: int):
    with os.fdopen(read_end) as incoming:
        text = incoming.read()
    os.waitpid(pid, 0)
    payload = json.loads(text) if text else {"error": "the child died without a word"}
    if "error" in payload:
        raise ChildFailed(payload["error"])
    return payload["result"]


def as_run_user(settings, function, *args):
    """`function(*args)` in a child running as `settings.run_user`; its
    (JSON-serializable) result."""
    return _collect(*_start_child(settings, function, args))


def in_parallel_as_run_user(settings, function, batches: list) -> list:
    """`function(batch)` for each batch, each in its own child, all at once; the results
    in order. For fixtures that are slow but independent (creating projects)."""
    children = [_start_child(settings, function, (batch,)) for batch in batches]
    results, failures = [], []
    for pid, read_end in children:
        try:
            results.append(_collect(pid, read_end))
        except ChildFailed as e:   # collect every child before reporting
            failures.append(e)
    if failures:
        raise failures[0]
    return results
