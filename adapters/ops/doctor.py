"""`custseg doctor`: checks a deployment and says in plain words what is wrong and how to fix it.

Each check returns one ``Finding``. Checks never raise: a failure to check is itself a finding.
Nothing here prints a secret; findings name environment variables, never their values.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select

from config import Settings
from custseg.errors import CustsegError
from custseg.store.db import Store

Level = Literal["ok", "warn", "fail", "skip"]


@dataclass(frozen=True)
class Finding:
    check: str
    level: Level
    message: str
    fix: str = ""


@dataclass
class Deployment:
    """What the checks look at: settings, our store and the environment (for names of secrets only)."""

    settings: Settings
    store: Store
    env: Mapping[str, str]
    now: dt.datetime


Check = Callable[[Deployment], list[Finding]]


def check_database(d: Deployment) -> list[Finding]:
    try:
        current, heads = d.store.current_revisions(), d.store.head_revisions()
    except CustsegError as err:
        return [
            Finding("database", "fail", str(err), "Check CUSTSEG_DATABASE_URL and that the server is up.")
        ]
    if current != heads:
        return [
            Finding(
                "database",
                "fail",
                f"{d.store!r} is reachable but its schema is at {', '.join(current) or 'nothing'}, "
                f"not {', '.join(heads)}.",
                "Run `custseg db upgrade` (the Procfile's release step does this on deploy).",
            )
        ]
    return [Finding("database", "ok", f"{d.store!r} is reachable and migrated ({', '.join(heads)}).")]


def check_source(d: Deployment) -> list[Finding]:
    src = d.settings.source
    if src.kind == "store":
        from custseg.store.models import ORDERS

        try:
            with d.store.connect() as conn:
                n = conn.execute(select(func.count()).select_from(ORDERS)).scalar() or 0
        except Exception as err:  # an unmigrated store already failed the database check
            return [Finding("source", "skip", f"Could not count orders: {type(err).__name__}.")]
        if n == 0:
            return [
                Finding(
                    "source",
                    "fail",
                    "The order source is our store, and it holds no orders.",
                    "Load orders with `custseg load FILE --mapping NAME` (or `custseg demo` to try it).",
                )
            ]
        return [Finding("source", "ok", f"The store holds {n:,} orders.")]
    if not d.env.get(src.url_env):
        return [
            Finding(
                "source",
                "fail",
                f"The order source is the table '{src.table}', but {src.url_env} is not set.",
                f"Set {src.url_env} to the SQLAlchemy URL of the company database.",
            )
        ]
    from custseg.aggregate import latest_order
    from custseg.store.db import make_engine

    assert src.table is not None and src.columns is not None
    try:
        engine = make_engine(d.env[src.url_env])
        try:
            newest = latest_order(engine, src.table, src.columns, src.schema_name)
        finally:
            engine.dispose()
    except CustsegError as err:
        return [Finding("source", "fail", str(err), "Fix [source] / [source.columns] in your settings file.")]
    except Exception as err:
        return [
            Finding(
                "source",
                "fail",
                f"Cannot read the order table '{src.table}': {type(err).__name__}.",
                f"Check {src.url_env} and that the database is reachable from here.",
            )
        ]
    if newest is None:
        return [Finding("source", "warn", f"The table '{src.table}' is readable but empty.")]
    return [
        Finding(
            "source", "ok", f"The table '{src.table}' matches the mapping; newest order {newest:%Y-%m-%d}."
        )
    ]


def check_snapshot(d: Deployment, max_age_hours: float = 36) -> list[Finding]:
    from custseg.snapshot import list_snapshots

    try:
        frame = list_snapshots(d.store)
    except Exception as err:
        return [Finding("snapshot", "skip", f"Could not list snapshots: {type(err).__name__}.")]
    if frame.empty:
        return [
            Finding(
                "snapshot",
                "fail",
                "There is no snapshot yet, so the bot cannot answer questions about customers.",
                "Run `custseg segment` (the worker refreshes it nightly).",
            )
        ]
    newest = frame.sort_values("created_at").iloc[-1]
    age = d.now - newest["created_at"].to_pydatetime()
    hours = age.total_seconds() / 3600
    text = f"The latest snapshot (as of {newest['as_of']}) was built {_age(hours)} ago."
    if hours > max_age_hours:
        return [
            Finding(
                "snapshot",
                "warn",
                text + " Answers may be out of date.",
                "Check that the worker is running (`custseg worker`); it refreshes the snapshot nightly.",
            )
        ]
    return [Finding("snapshot", "ok", text)]


def _age(hours: float) -> str:
    return f"{hours:.0f} hours" if hours < 48 else f"{hours / 24:.0f} days"


CHECKS: list[Check] = [check_database, check_source, check_snapshot]


def run_checks(d: Deployment, checks: list[Check] | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for check in checks or CHECKS:
        try:
            findings += check(d)
        except Exception as err:  # a broken check must not hide the others
            findings.append(Finding(check.__name__.removeprefix("check_"), "fail", f"Check crashed: {err!r}"))
    return findings


MARK = {"ok": "✓", "warn": "!", "fail": "✗", "skip": "-"}


def render(findings: list[Finding]) -> str:
    width = max(len(f.check) for f in findings)
    out = []
    for f in findings:
        out.append(f"{MARK[f.level]} {f.check.ljust(width)}  {f.message}")
        if f.fix and f.level in ("warn", "fail"):
            out.append(f"  {' ' * width}  → {f.fix}")
    fails = sum(f.level == "fail" for f in findings)
    warns = sum(f.level == "warn" for f in findings)
    out.append(
        "\nAll checks passed." if not fails and not warns else f"\n{fails} problem(s), {warns} warning(s)."
    )
    return "\n".join(out)


def deployment(settings: Settings, env: Mapping[str, str] | None = None) -> Deployment:
    return Deployment(
        settings, Store(settings.database_url), os.environ if env is None else env, dt.datetime.now()
    )
