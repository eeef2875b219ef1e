"""Test helpers: temporary sites, a real Apache, the real svn client."""
