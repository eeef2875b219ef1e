"""Apache: rendering apache/*.in for a site, certificates, and running httpd."""
