"""Real `custseg worker` processes for fault tests, started in milliseconds and killed with SIGKILL.

Importing the worker (pandas, scikit-learn, the brain) takes seconds of CPU, too slow to restart a
worker after every kill. So one fork server (``multiprocessing``'s ``forkserver``) imports it once,
and every worker is a fresh process forked from it that runs ``custseg worker``'s own entry point
(``adapters.cli.main.main``) with its own environment, working directory and log file.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

PRELOAD = [
    "adapters.cli.main",
    "adapters.cli.worker",
    "adapters.worker.tick",
    "adapters.worker.scheduler",
    "adapters.worker.posters",
    "adapters.slack.poster",
    "adapters.web.charts",
    "adapters.teams.connection",
    "sqlite3",
    "psycopg",
]
_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(PRELOAD)


def _run(cwd: str, url: str, env: dict[str, str], log_path: str) -> None:
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    out = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    from adapters.cli.main import main

    sys.exit(main(["--database", url, "worker"]))


class Workers:
    """Named worker slots (``w1``, ``w2`` …) in ``directory``: start, kill, restart the dead."""

    def __init__(self, directory: Path, url: str, env: Mapping[str, str]):
        self.directory = directory
        self.url = url
        self.env = dict(env)
        self.procs: dict[str, multiprocessing.process.BaseProcess] = {}
        self.started = 0
        self.killed: list[str] = []
        # The fake kills from its own thread: Process.is_alive reads the fork server's exit-status
        # pipe, and two threads reading it at once can leave one of them blocked for good.
        self._lock = threading.Lock()

    def start(self, name: str, env: Mapping[str, str] | None = None) -> None:
        proc = _context.Process(
            target=_run,
            args=(str(self.directory), self.url, {**self.env, **(env or {})}, str(self.log(name))),
            daemon=True,
        )
        proc.start()
        with self._lock:
            self.procs[name] = proc
            self.started += 1

    def log(self, name: str) -> Path:
        return self.directory / f"{name}.log"

    def alive(self) -> list[str]:
        with self._lock:
            return [n for n, p in self.procs.items() if p.is_alive()]

    def kill(self, name: str, why: str = "random") -> None:
        """SIGKILL the worker ``name`` (no cleanup, no finishing the post in flight)."""
        with self._lock:
            proc = self.procs.get(name)
            if proc is not None and proc.pid is not None and proc.is_alive():
                os.kill(proc.pid, signal.SIGKILL)
                self.killed.append(why)

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM every worker (a delivery in flight finishes), SIGKILL what is left after ``timeout``."""
        with self._lock:
            self._stop(timeout)

    def _stop(self, timeout: float) -> None:
        for proc in self.procs.values():
            if proc.is_alive() and proc.pid is not None:
                os.kill(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            proc.join(timeout)
            if proc.is_alive():
                proc.kill()
                proc.join(5)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.directory.glob("w*.log")))
