"""The environment cache is bounded, and closes an evicted environment only when idle."""
import threading
from pathlib import Path

import pytest
from trac.env import Environment

from devjavu.tracenv.config import config_changed, update_project_ini
from devjavu.tracruntime.envcache import EnvironmentCache, retire_environment


class RecordingEnvironment(Environment):
    """A real Trac environment that remembers being opened and retired."""
    opened = 0

    def __init__(self, path, *args, **kwargs):
        super().__init__(path, *args, **kwargs)
        self.closed = False
        RecordingEnvironment.opened += 1


def record_retirement(env):
    retire_environment(env)
    env.closed = True


def make_cache(capacity):
    return EnvironmentCache(capacity, open_environment=RecordingEnvironment,
                            retire=record_retirement)


@pytest.fixture(scope="module")
def env_paths(tmp_path_factory):
    root = tmp_path_factory.mktemp("envs")
    paths = {}
    for name in "abc":
        env = Environment(str(root / name), create=True,
                          options=[("trac", "database", "sqlite:db/trac.db")])
        env.shutdown()
        paths[name] = str(root / name)
    return paths


def test_least_recently_used_is_closed_beyond_capacity(env_paths):
    cache = make_cache(2)
    envs = {}
    for name in ("a", "b", "a", "c"):
        env, release = cache.acquire(env_paths[name])
        envs[name] = env
        release()
    assert len(cache) == 2
    assert envs["b"].closed and not envs["a"].closed and not envs["c"].closed
    again, release = cache.acquire(env_paths["a"])
    assert again is envs["a"]
    release()
    cache.close_all()
    assert envs["a"].closed and envs["c"].closed


def test_evicted_environment_in_use_closes_after_release(env_paths):
    cache = make_cache(1)
    busy, release_busy = cache.acquire(env_paths["a"])
    _, release_other = cache.acquire(env_paths["b"])
    assert not busy.closed
    release_busy()
    assert busy.closed
    release_other()
    cache.close_all()


def test_concurrent_first_requests_open_once(env_paths):
    RecordingEnvironment.opened = 0
    cache = make_cache(4)
    barrier = threading.Barrier(8)

    def request():
        barrier.wait()
        _, release = cache.acquire(env_paths["c"])
        release()

    threads = [threading.Thread(target=request) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert RecordingEnvironment.opened == 1
    cache.close_all()



def test_a_directory_replaced_at_the_same_path_is_opened_anew(tmp_path):
    """A rename or a delete can put another project's environment at a cached path: it
    must get its own environment, and the old one is retired."""
    path = tmp_path / "project"
    for step in ("first", "second"):
        env = Environment(str(tmp_path / step), create=True,
                          options=[("trac", "database", "sqlite:db/trac.db"),
                                   ("project", "name", step)])
        env.shutdown()
    (tmp_path / "first").rename(path)
    cache = make_cache(4)
    first, release = cache.acquire(str(path))
    release()
    assert first.project_name == "first"
    path.rename(tmp_path / "moved-away")
    (tmp_path / "second").rename(path)
    second, release = cache.acquire(str(path))
    release()
    assert second is not first and second.project_name == "second"
    assert first.closed and len(cache) == 1


def test_an_environment_whose_config_changed_is_opened_anew(env_paths):
    cache = EnvironmentCache(4, open_environment=RecordingEnvironment,
                             retire=record_retirement, changed=config_changed)
    first, release = cache.acquire(env_paths["a"])
    release()
    again, release = cache.acquire(env_paths["a"])
    release()
    assert again is first
    update_project_ini(Path(env_paths["a"]) / "conf" / "trac.ini",
                       {("project", "descr"): "Saved on the dashboard"})
    fresh, release = cache.acquire(env_paths["a"])
    release()
    assert fresh is not first and first.closed
    assert fresh.project_description == "Saved on the dashboard"
    cache.close_all()
