"""Changing a project's own trac.ini (its description) after the database commits."""
from sqlalchemy.orm import Session
from trac.config import Configuration

from devjavu.models import hooks
from devjavu.settings import Settings


def set_description(db: Session, settings: Settings, name: str, description: str) -> None:
    def write():
        config = Configuration(str(settings.trac_env_path(name) / "conf" / "trac.ini"))
        if config.get("project", "descr") != description:
            config.set("project", "descr", description)
            config.save()
    hooks.after_commit(db, f"trac-descr:{name}", write)
