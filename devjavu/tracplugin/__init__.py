"""Trac components that make each project's Trac part of DevjaVu.

Loaded through the `trac.plugins` entry points and enabled in config/trac.ini.
"""
