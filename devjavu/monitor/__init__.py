"""Health checks shared by /_health, `devjavu-admin check` and the probe."""

# The request header that carries the ini's devjavu.health_token to /_health, which then
# shows every check's details, as it does to site admins and the loopback address.
HEALTH_TOKEN_HEADER = "X-DevjaVu-Health-Token"
