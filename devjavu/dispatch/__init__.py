"""The WSGI dispatcher: legacy redirects, per-project Trac, and the dashboard."""
