"""Trac environments on disk: one per project, each inheriting config/trac.ini.

A peer of `svn/`: storage for a project, used by the project services. It imports
Trac, which is why it is not part of `projects/`.
"""
from devjavu.tracenv.config import set_description
from devjavu.tracenv.create import TracEnvError, create_environment
from devjavu.tracenv.place import place_environment

__all__ = ["TracEnvError", "create_environment", "place_environment", "set_description"]
