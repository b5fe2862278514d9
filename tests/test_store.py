"""The schema: migrations create exactly what the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from custseg.store import Base, Store, open_store


def test_migrations_match_the_models(any_store):
    assert any_store.current_revision() == any_store.head_revision()
    with any_store.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_opening_twice_is_harmless_and_unreachable_database_is_a_clear_error(sqlite_url):
    open_store(sqlite_url).dispose()
    store = open_store(sqlite_url)
    assert store.current_revision() == store.head_revision()
    import pytest

    from custseg.errors import StoreError

    with pytest.raises(StoreError, match="Cannot reach the database"):
        Store("postgresql+psycopg://nobody@127.0.0.1:1/none").current_revision()
    with pytest.raises(StoreError, match="not a database URL"):
        Store("not a url")
