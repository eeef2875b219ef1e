"""The schema comes from Alembic alone, and matches the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from devjavu.models import Base


def test_upgrade_head_matches_the_models(site):
    with site.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, Base.metadata) == []
