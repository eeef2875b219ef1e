"""Load generators: wrk for pages, a keep-alive HTTP client for single timings, and the
real svn client."""
