"""Alembic environment: the database URL comes from the same .ini as the site."""
from alembic import context

from devjavu.models import Base, make_engine

config = context.config


def database_url() -> str:
    # The CLI passes its engine's URL; a bare `alembic -c development.ini` reads the app section.
    url = config.attributes.get("database_url")
    if url:
        return url
    from devjavu.settings import load_settings
    return load_settings(config.config_file_name).database_url


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=Base.metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(database_url())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
