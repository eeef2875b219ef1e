"""Work done outside the web request: jobs are rows of the shared database
(devjavu/models/job.py), queued by services (queue.py) and run one at a time by the
runner (runner.py) in its own mod_wsgi daemon process, supervised by Apache."""
