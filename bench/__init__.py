"""`make bench`: DevjaVu against the bare components it is built from.

`python -m bench.run` builds its fixtures in a temporary directory, starts our site and
the bare baselines (Trac's own trac.wsgi and CGI, mod_dav_svn without authentication,
a plain static Apache) on free loopback ports, loads them round by round, stops them,
and writes BENCHMARKS.md. Nothing here runs in `make test`.
"""
