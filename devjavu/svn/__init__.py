"""Subversion repositories on disk."""
