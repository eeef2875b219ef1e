"""Apache's piped log writer: `logwriter.py PATH MAX_BYTES KEEP`.

Apache starts one per log (apache/httpd.conf.in) and writes the log lines into its
standard input. It appends to PATH, so whatever a restart interrupts stays there; once
PATH would pass MAX_BYTES it becomes PATH.1 (PATH.1 becomes PATH.2, and so on) and the
oldest beyond KEEP files in all is deleted. So a log never takes more than
KEEP x MAX_BYTES, and every file but the newest keeps its name across restarts.

Why not rotatelogs: its ring (-n) truncates the current file whenever Apache restarts,
and its time-stamped names cannot change twice within a second, so a burst writes past
the size limit; it also keeps any number of files unless another program prunes them.

It runs as root (Apache starts it before giving up root) on the standard library alone
(run with python -I -S): a fixed 64 KiB buffer, no memory that grows with the log. A
write that fails (a full disk) drops that data and the next one tries again: Apache must
never wait on its log. It ignores the signals that stop or restart Apache and ends when
the last process holding the pipe closes it, so that Apache's last lines are written.
"""
import os
import signal
import sys

CHUNK = 65536


class RotatingFile:
    def __init__(self, path: str, max_bytes: int, keep: int):
        self.path, self.max_bytes, self.keep = path, max_bytes, keep
        self.fd: int | None = None
        self.size = 0

    def _name(self, number: int) -> str:
        return f"{self.path}.{number}" if number else self.path

    def open(self) -> None:
        self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC,
                          0o600)
        self.size = os.fstat(self.fd).st_size

    def remove_beyond_keep(self) -> None:
        """Files numbered KEEP and above: left by a larger KEEP, or by a crash."""
        directory, base = os.path.split(self.path)
        for name in os.listdir(directory or "."):
            number = name[len(base) + 1:] if name.startswith(base + ".") else ""
            if number.isdigit() and int(number) >= self.keep:
                os.unlink(os.path.join(directory, name))

    def rotate(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        for number in range(self.keep - 1, 0, -1):
            if os.path.exists(self._name(number - 1)):
                os.replace(self._name(number - 1), self._name(number))
        if self.keep == 1:
            os.unlink(self.path)
        self.open()

    def write(self, data: bytes) -> None:
        """Write `data`, starting a new file at a line's end where the limit falls."""
        while data:
            if self.fd is None:
                self.open()
            room = self.max_bytes - self.size
            piece = data
            if len(data) > room:
                end = data.rfind(b"\n", 0, max(room, 0)) + 1
                if not end and self.size:
                    self.rotate()
                    continue
                piece = data[:end or room]      # a line longer than a whole file is cut
            written = os.write(self.fd, piece)
            self.size += written
            data = data[written:]


def main(path: str, max_bytes: str, keep: str) -> None:
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1,
                   signal.SIGUSR2, signal.SIGWINCH):
        signal.signal(signum, signal.SIG_IGN)
    log = RotatingFile(path, int(max_bytes), int(keep))
    try:
        log.remove_beyond_keep()
    except OSError:
        pass            # what cannot be removed now is tried again at the next start
    while data := os.read(0, CHUNK):
        try:
            log.write(data)
        except OSError:
            # The disk is full or the directory went away: this data is lost, and the
            # next write opens the file again.
            if log.fd is not None:
                os.close(log.fd)
                log.fd = None


if __name__ == "__main__":
    main(*sys.argv[1:])
