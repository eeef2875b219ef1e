"""One cache of compiled Trac templates for every environment in a process.

Each Trac environment builds its own Jinja2 environment and compiles every template it
renders from source: on the first page of a project not yet open, that compiling is
the largest share of the time. All of them are made by `trac.web.chrome`'s `jinja2env`
with the same settings, so the Python bytecode Jinja2 compiles a template to is the
same in every one of them; only whether a template autoescapes differs (Trac's text
overlay turns it off), and that is part of the key. Jinja2 checks each entry against a
checksum of the template's source, so a changed template is compiled again.
"""
import threading

import jinja2
import trac.web.chrome
from jinja2.bccache import Bucket


class SharedBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates in memory, shared by threads; at most `max_entries`."""

    def __init__(self, max_entries: int = 4000):
        self._max_entries = max_entries
        self._entries: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self.hits = 0

    def get_bucket(self, environment, name, filename, source) -> Bucket:
        autoescape = environment.autoescape
        if callable(autoescape):
            autoescape = autoescape(name)
        bucket = Bucket(environment,
                        self.get_cache_key(f"{name}\0{bool(autoescape)}", filename),
                        self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            data = self._entries.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)
            if bucket.code is not None:
                self.hits += 1

    def dump_bytecode(self, bucket: Bucket) -> None:
        data = bucket.bytecode_to_string()
        with self._lock:
            if len(self._entries) >= self._max_entries:
                self._entries.clear()
            self._entries[bucket.key] = data


def share_compiled_templates(cache: SharedBytecodeCache) -> None:
    """Every Trac environment whose templates are first loaded from now on compiles
    them through `cache`."""
    make = getattr(trac.web.chrome.jinja2env, "devjavu_original", trac.web.chrome.jinja2env)

    def jinja2env(**kwargs):
        kwargs.setdefault("bytecode_cache", cache)
        return make(**kwargs)

    jinja2env.devjavu_original = make
    trac.web.chrome.jinja2env = jinja2env
