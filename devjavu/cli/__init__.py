"""devjavu-admin: the operator's command line."""
