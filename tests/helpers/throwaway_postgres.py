"""A PostgreSQL server of the fault tests' own (its own port and data directory, through
scripts/postgres.sh), which they stop and start again: the shared test server is never touched."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ThrowawayPostgres:
    """``scripts/postgres.sh`` on a port and directory of its own."""

    def __init__(self) -> None:
        self.port = free_port()
        # Directly under /tmp: the server runs as the postgres user, who cannot enter pytest's root-only tmp.
        self.directory = tempfile.mkdtemp(prefix="custseg-pg-outage-")
        self.url = ""

    def _script(self, command: str) -> str:
        env = {**os.environ, "CUSTSEG_PG_PORT": str(self.port), "CUSTSEG_PG_DIR": self.directory}
        done = subprocess.run(
            [str(ROOT / "scripts" / "postgres.sh"), command],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout.strip()

    def start(self) -> str:
        self.url = self._script("start")
        return self.url

    def stop(self) -> None:
        """Stop the server (fast shutdown: open connections are cut)."""
        self._script("stop")

    def database(self, name: str) -> str:
        """A new empty database on this server; its URL."""
        admin = sa.create_engine(self.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return sa.engine.make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)
