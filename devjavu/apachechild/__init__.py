"""What runs in Apache's children rather than the mod_wsgi daemon or the CLI: the svn
password check (svnauth.py, mod_wsgi's `WSGIAuthUserScript`) and each child's record for
the unclean-end check (childrecord.py), both loaded by apache/svnauth.wsgi.in.

Every child of every Apache carries what these import, so they import neither
Subversion's bindings, nor Trac, nor Pyramid (tests/unit/apachechild/ checks it).
"""
