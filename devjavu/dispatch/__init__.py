"""The WSGI dispatcher the mod_wsgi daemon runs: routing (app.py), who is asking
(identity.py), legacy redirects, the headers of raw content, one request through a
project's Trac (tracrequest.py) and its repository cache kept current (revisions.py).

Trac's process-wide adjustments are devjavu/tracruntime/ (installed once by
devjavu/wsgi.py); the svn password check runs in Apache's children, devjavu/apachechild/.
"""
