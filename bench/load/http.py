"""One keep-alive connection, for timing single requests and checking answers."""
import base64
import concurrent.futures
import http.client
import threading
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str]
    body: str
    seconds: float


def basic_auth(user: str, password: str) -> tuple[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return ("Authorization", f"Basic {token}")


class Connection:
    def __init__(self, base_url: str, timeout: float = 60):
        parts = urlsplit(base_url)
        self._connection = http.client.HTTPConnection(parts.hostname, parts.port,
                                                      timeout=timeout)

    def request(self, method: str, path: str, headers=(), body: str | None = None) -> Answer:
        headers = dict(headers)
        if body is not None:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        started = time.perf_counter()
        self._connection.request(method, path, body=body, headers=headers)
        response = self._connection.getresponse()
        data = response.read()
        seconds = time.perf_counter() - started
        cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key.strip()] = rest.split(";", 1)[0]
        return Answer(response.status, dict(response.getheaders()), cookies,
                      data.decode("utf-8", errors="replace"), seconds)

    def get(self, path: str, headers=()) -> Answer:
        return self.request("GET", path, headers)

    def close(self) -> None:
        self._connection.close()


class UnexpectedAnswer(AssertionError):
    pass


def check_pages(base_url: str, pages: dict[str, str], headers=()) -> None:
    """Every path answers 200 and shows its marker: load is only ever put on real pages."""
    connection = Connection(base_url)
    try:
        for path, marker in pages.items():
            answer = connection.get(path, headers)
            if answer.status != 200 or marker not in answer.body:
                raise UnexpectedAnswer(f"{base_url}{path}: {answer.status}, expected 200 "
                                       f"with {marker!r}:\n{answer.body[:1500]}")
    finally:
        connection.close()


def fetch_all(base_url: str, paths: list[str], connections: int = 8) -> None:
    """Every path once, `connections` at a time; each must answer 200. For warming a
    server up: every page of every project rendered once before the load starts."""
    local = threading.local()

    def fetch(path: str) -> None:
        if not hasattr(local, "connection"):
            local.connection = Connection(base_url)
        answer = local.connection.get(path)
        if answer.status != 200:
            raise UnexpectedAnswer(f"{base_url}{path}: {answer.status}")

    with concurrent.futures.ThreadPoolExecutor(connections) as pool:
        list(pool.map(fetch, paths))


def read_in_turn(base_url: str, paths: list[str], first: int,
                 keep_going: Callable[[], bool], out: dict) -> None:
    """One reader: `paths` in turn (every 7th, from `first`) on one keep-alive connection
    while `keep_going()`; each answer's seconds go to out["pages"], and an answer other
    than 200 or a lost connection (opened again) counts in out["errors"]."""
    connection = Connection(base_url)
    index = first
    while keep_going():
        index = (index + 7) % len(paths)
        try:
            answer = connection.get(paths[index])
        except OSError:
            out["errors"] += 1
            connection = Connection(base_url)
            continue
        if answer.status != 200:
            out["errors"] += 1
        out["pages"].append(answer.seconds)
    connection.close()
