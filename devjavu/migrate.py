"""Bring a database to the newest schema with Alembic (used by the CLI and the tests)."""
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from devjavu.settings import SOURCE_ROOT


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SOURCE_ROOT / "migrations"))
    config.attributes["database_url"] = engine.url.render_as_string(hide_password=False)
    return config


def upgrade_to_head(engine: Engine) -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
