"""`custseg actions`: list, export and measure the win-back actions and their audit log."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import math
from pathlib import Path
from typing import Any

from adapters.cli.common import open_store_for, settings_from
from custseg.errors import CustsegError


def _state_args(p: argparse.ArgumentParser) -> None:
    from custseg.actions import STATES

    p.add_argument("--state", action="append", choices=STATES, help="only these states (repeatable)")
    p.add_argument("--playbook", help="only suggestions of this play")
    p.add_argument("--customer", help="only suggestions for this customer id")


def cmd_list(args: argparse.Namespace) -> int:
    from adapters.cli import render
    from custseg.actions import audit_log, list_suggestions

    settings = settings_from(args)
    store = open_store_for(settings)
    found = list_suggestions(store, args.state, args.playbook, args.customer)
    if not found:
        print("No suggested actions match. Ask the bot to *suggest a win-back for <customer>* to make one.")
        return 0
    last = {t.suggestion_id: t for t in audit_log(store)}
    cur = settings.currency
    rows = [
        [
            s.id,
            s.label,
            s.owner or "—",
            s.task,
            s.state,
            render.money(s.value_at_stake, cur),
            render.money(s.expected_value, cur),
            f"{last[s.id].at:%Y-%m-%d %H:%M} {last[s.id].actor}",
        ]
        for s in found
    ]
    headers = ["#", "Customer", "Owner", "Action", "State", "At stake", "Expected", "Last change (UTC)"]
    print(render.table(headers, rows, right=(0, 5, 6)))
    print(f"{len(found):,} suggestion{'s' if len(found) != 1 else ''}")
    return 0


def _rows(items: list[Any]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        row = dataclasses.asdict(item)
        out.append({k: json.dumps(v, sort_keys=True) if isinstance(v, dict) else v for k, v in row.items()})
    return out


def _write_csv(path: Path, rows: list[dict[str, Any]], fields: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def cmd_export(args: argparse.Namespace) -> int:
    from custseg.actions import Suggestion, Transition, audit_log, list_suggestions

    store = open_store_for(settings_from(args))
    suggestions = sorted(list_suggestions(store, args.state), key=lambda s: s.id)
    wanted = {s.id for s in suggestions}
    audit = [t for t in audit_log(store) if t.suggestion_id in wanted]
    path = Path(args.file)
    try:
        if args.format == "json":
            data = {"suggestions": _rows(suggestions), "audit": _rows(audit)}
            for row in data["suggestions"]:
                row["facts"] = json.loads(row["facts"])
            path.write_text(json.dumps(data, indent=2, default=str, ensure_ascii=False), encoding="utf-8")
            written = [path]
        else:
            audit_path = path.with_name(f"{path.stem}-audit{path.suffix or '.csv'}")
            _write_csv(path, _rows(suggestions), [f.name for f in dataclasses.fields(Suggestion)])
            _write_csv(audit_path, _rows(audit), [f.name for f in dataclasses.fields(Transition)])
            written = [path, audit_path]
    except OSError as err:
        raise CustsegError(f"Cannot write {path}: {err.strerror}. Choose a writable path.") from None
    print(
        f"Exported {len(suggestions):,} suggestions and {len(audit):,} audit entries to "
        + " and ".join(str(p) for p in written)
    )
    return 0


def _pct(value: float) -> str:
    return "—" if math.isnan(value) else f"{100 * value:.0f}%"


def _signed_points(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:+.0f} pts"


def cmd_report(args: argparse.Namespace) -> int:
    from adapters.cli import render
    from custseg.actions import measure

    settings = settings_from(args)
    result = measure(open_store_for(settings), settings)
    window = result.window_days
    print(
        f"Win-back results, measured {window} days after each approval: won back = ordered again within "
        f"{window} days; revenue recovered = their net orders in those days."
    )
    print(
        "Compared with similar customers (the same play fitted them) whose suggestion was rejected "
        "or never made, over the same number of days."
    )
    summary = result.by_playbook()
    if summary.empty:
        print("No approved actions yet: there is nothing to measure.")
        return 0
    cur = settings.currency
    rows = [
        [
            r.playbook,
            f"{r.approved:,}",
            f"{r.measured:,}",
            f"{r.won_back:,}",
            _pct(r.win_back_rate),
            render.money(r.revenue_recovered, cur),
            f"{r.comparison_measured:,}",
            _pct(r.comparison_rate),
            _signed_points(r.uplift_points),
        ]
        for r in summary.itertuples()
    ]
    headers = [
        "Play",
        "Approved",
        "Measured",
        "Won back",
        "Win-back rate",
        "Revenue recovered",
        "Compared",
        "Their rate",
        "Difference",
    ]
    print(render.table(headers, rows, right=tuple(range(1, 9))))
    pending = int(summary["pending"].sum())
    known = f"{result.data_end:%Y-%m-%d}" if result.data_end is not None else "no orders yet"
    print(
        f"Orders known up to {known}; {pending:,} approved action{'s' if pending != 1 else ''} still "
        "within the window (not counted yet). Managers choose what to approve, so the difference is a "
        "guide, not proof of effect."
    )
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from bot.app import build
    from custseg.actions import sweep

    settings = settings_from(args)
    store = open_store_for(settings)
    counts = sweep(store, settings, on_change=build(store, settings).scheduled.spread)
    print(
        f"Woke {counts['woken']:,} snoozed suggestion(s); expired {counts['expired']:,} "
        f"(undecided or not done {settings.playbook.expire_after_days} days on)."
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("actions", help="win-back actions: list, export, report (default: list)")
    _state_args(p)
    p.set_defaults(func=cmd_list)
    actions = p.add_subparsers(dest="actions_command", metavar="ACTION")

    q = actions.add_parser("list", help="list suggested actions, newest first")
    _state_args(q)
    q.set_defaults(func=cmd_list)

    q = actions.add_parser("export", help="write the suggestions and their audit log to a file")
    q.add_argument("--format", choices=["csv", "json"], default="csv")
    q.add_argument("--state", action="append", help="only suggestions in these states (repeatable)")
    q.add_argument("file", metavar="FILE", help="CSV: the audit log goes beside it as <name>-audit.csv")
    q.set_defaults(func=cmd_export)

    q = actions.add_parser("report", help="per play: win-back rate and revenue recovered vs a comparison")
    q.set_defaults(func=cmd_report)

    q = actions.add_parser("sweep", help="wake ended snoozes and expire stale suggestions (daily job)")
    q.set_defaults(func=cmd_sweep)
