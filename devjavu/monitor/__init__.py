"""Health checks shared by /_health, `devjavu-admin check` and the probe."""
