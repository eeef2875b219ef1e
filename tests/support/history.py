"""A repository with a real history, made with the real svn tools: commits by several
authors, copies (branches), properties (svn:ignore, svn:mime-type, a custom one) and a
binary file; and `svn log -v` to compare two repositories' histories."""
import subprocess
from pathlib import Path

BINARY = bytes(range(256)) * 64


def make_history(path: Path, revisions: int = 100) -> Path:
    """An FSFS repository at `path` with `revisions` revisions."""
    subprocess.run(["svnadmin", "create", str(path)], check=True)
    url = path.as_uri()
    work = path.parent / f"{path.name}-files"
    work.mkdir()
    (work / "binary").write_bytes(BINARY)
    steps = [
        ["mkdir", "trunk", "mkdir", "branches", "mkdir", "tags"],
        ["put", str(work / "binary"), "trunk/logo.bin",
         "propset", "svn:mime-type", "application/octet-stream", "trunk/logo.bin"],
        ["propset", "svn:ignore", "*.o\nbuild\n", "trunk",
         "propset", "team:reviewer", "carol", "trunk"],
    ]
    for n in range(len(steps), revisions):
        if n % 10 == 0:
            steps.append(["cp", str(n), "trunk", f"branches/b{n}"])
        else:
            source = work / f"text{n}"
            source.write_text(f"line {n}\n" * (n % 7 + 1))
            steps.append(["put", str(source), f"trunk/file{n % 5}.txt"])
    for n, operations in enumerate(steps, start=1):
        subprocess.run(["svnmucc", "--non-interactive", "-U", url,
                        "--username", f"author{n % 3}", "-m", f"change {n}\n\nline two",
                        *operations], check=True, capture_output=True)
    return path


def log(url: str, *svn_options: str, check: bool = True) -> str | None:
    """`svn log -v` of the repository at `url` (None if refused, unless `check`)."""
    answer = subprocess.run(["svn", "log", "-v", "--non-interactive", *svn_options, url],
                            capture_output=True, text=True, check=check)
    return answer.stdout if answer.returncode == 0 else None


def _props(props: dict[str, str]) -> bytes:
    text = b"".join(b"K %d\n%s\nV %d\n%s\n" % (len(k.encode()), k.encode(),
                                                len(v.encode()), v.encode())
                    for k, v in props.items())
    return text + b"PROPS-END\n"


def synthetic_dump(revisions: int) -> bytes:
    """A dump of `revisions` revisions, each adding one small file, written directly (in
    milliseconds, where committing them would take minutes): for loads that must run
    long enough to be interrupted."""
    date = "2026-01-01T00:00:00.000000Z"
    parts = [b"SVN-fs-dump-format-version: 2\n\n"]
    props = _props({"svn:date": date})
    parts.append(b"Revision-number: 0\nProp-content-length: %d\nContent-length: %d\n\n%s\n"
                 % (len(props), len(props), props))
    for n in range(1, revisions + 1):
        props = _props({"svn:log": f"synthetic {n}", "svn:author": "author",
                        "svn:date": date})
        parts.append(b"Revision-number: %d\nProp-content-length: %d\nContent-length: %d"
                     b"\n\n%s\n" % (n, len(props), len(props), props))
        node_props, text = _props({}), b"content %d\n" % n
        parts.append(b"Node-path: f%d.txt\nNode-kind: file\nNode-action: add\n"
                     b"Prop-content-length: %d\nText-content-length: %d\n"
                     b"Content-length: %d\n\n%s%s\n\n"
                     % (n, len(node_props), len(text), len(node_props) + len(text),
                        node_props, text))
    return b"".join(parts)
