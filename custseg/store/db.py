"""The store handle: one SQLAlchemy engine on our own database, migrated with Alembic."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from custseg.errors import DatabaseUnreachable, StoreError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets the chat read while a snapshot is being written; foreign keys are off by default in SQLite.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> Engine:
    """An engine for any SQLAlchemy URL; a SQLite file's folder is created if missing."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            f"'{url}' is not a database URL. Use e.g. sqlite:///var/custseg.db or "
            "postgresql+psycopg://user@host/dbname"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(url: str) -> Config:
    # Alembic is imported where a schema is checked or migrated, not with every store handle.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


class Store:
    """Our database. ``url`` is any SQLAlchemy URL (SQLite file by default, PostgreSQL for real)."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)

    def __repr__(self) -> str:
        return f"Store({make_url(self.url).render_as_string(hide_password=True)!r})"

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def current_revisions(self) -> tuple[str, ...]:
        """The applied migration heads (empty for a new database)."""
        from alembic.runtime.migration import MigrationContext

        with self.connect() as conn:
            return tuple(sorted(MigrationContext.configure(conn).get_current_heads()))

    def head_revisions(self) -> tuple[str, ...]:
        """The newest migrations we ship (more than one while feature branches of the schema coexist)."""
        from alembic.script import ScriptDirectory

        return tuple(sorted(ScriptDirectory.from_config(alembic_config(self.url)).get_heads()))

    def current_revision(self) -> str | None:
        """The applied revisions as one readable string (None for a new database)."""
        return ", ".join(self.current_revisions()) or None

    def head_revision(self) -> str | None:
        return ", ".join(self.head_revisions()) or None

    def upgrade(self) -> None:
        """Apply every pending migration (safe to call on an up-to-date database)."""
        from alembic import command

        cfg = alembic_config(self.url)
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "heads")

    def ensure_schema(self) -> Store:
        """Migrate to the latest schema if needed; returns self."""
        if self.current_revisions() != self.head_revisions():
            self.upgrade()
        return self

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except OperationalError as err:
            raise DatabaseUnreachable(f"Cannot reach the database {self!r}: {err.orig}") from None

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A transaction: committed when the block ends, rolled back entirely on any error."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as err:
            raise DatabaseUnreachable(f"Cannot write to the database {self!r}: {err.orig}") from None

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str, migrate: bool = True) -> Store:
    """Open the store at ``url``, migrating it to the latest schema unless ``migrate`` is False."""
    store = Store(url)
    return store.ensure_schema() if migrate else store
