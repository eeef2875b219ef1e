"""Progress for long commands: a bar on a terminal, log lines otherwise (cron)."""
import logging
import sys

from tqdm import tqdm

log = logging.getLogger("devjavu.progress")


class BarProgress:
    def __init__(self, description: str):
        self.description = description
        self.bar = None

    def start(self, total: int) -> None:
        self.bar = tqdm(total=total, desc=self.description, unit="step", file=sys.stderr)

    def step(self, what: str) -> None:
        self.bar.set_postfix_str(what)
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class LogProgress:
    def __init__(self, description: str, quiet: bool = False):
        self.description = description
        self.quiet = quiet
        self.total = 0
        self.done = 0

    def start(self, total: int) -> None:
        self.total = total

    def step(self, what: str) -> None:
        self.done += 1
        if not self.quiet:
            print(f"{self.description}: {self.done}/{self.total} {what}", file=sys.stderr)

    def close(self) -> None:
        pass


def progress_for(description: str, quiet: bool):
    if sys.stderr.isatty() and not quiet:
        return BarProgress(description)
    return LogProgress(description, quiet)
