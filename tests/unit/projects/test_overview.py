"""Project sizes on listing pages: remembered, and walked again after a new revision or
once they are old."""
from devjavu.projects.overview import SizeCache


def _grow(site, name, size):
    repo = site.settings.repository_path(name)
    repo.mkdir(parents=True, exist_ok=True)
    (repo / f"file{size}").write_bytes(b"x" * size)


def test_a_size_is_remembered_until_a_new_revision(site):
    cache = SizeCache(ttl_seconds=3600)
    _grow(site, "demo", 1000)
    assert cache.size(site.settings, "demo", youngest=1) == 1000
    _grow(site, "demo", 500)
    assert cache.size(site.settings, "demo", youngest=1) == 1000
    assert cache.size(site.settings, "demo", youngest=2) == 1500


def test_an_old_size_is_walked_again(site):
    cache = SizeCache(ttl_seconds=0)
    _grow(site, "demo", 1000)
    assert cache.size(site.settings, "demo", youngest=1) == 1000
    _grow(site, "demo", 24)
    assert cache.size(site.settings, "demo", youngest=1) == 1024


def test_the_cache_stays_bounded(site):
    cache = SizeCache(ttl_seconds=3600, max_entries=3)
    for i in range(10):
        cache.size(site.settings, f"p{i}", youngest=0)
    assert len(cache._sizes) <= 3
