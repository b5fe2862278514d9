"""`custseg worker` (the Procfile's worker process), `custseg outbox`, and `custseg digest` /
`custseg alerts` to see (or queue) what a channel gets."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

from adapters.cli.common import open_store_for, settings_from


def _worker(args: argparse.Namespace, quiet: bool = False):
    from adapters.web.charts import links_for
    from adapters.worker.posters import build_posters
    from adapters.worker.tick import Worker

    settings = settings_from(args)
    store = open_store_for(settings)
    posters, notes = build_posters(
        store,
        os.environ,
        allow_external=settings.channels.allow_external,
        chart_links=links_for(store, settings.web),
    )
    if not quiet:
        for line in notes:
            print(f"  {line}", file=sys.stderr)
    return Worker(store, settings, posters)


def cmd_worker(args: argparse.Namespace) -> int:
    from adapters import logs
    from adapters.worker.scheduler import run

    logs.configure()
    print("custseg worker", file=sys.stderr)
    worker = _worker(args)
    if args.once:
        report = worker.tick()
        # "found": an earlier attempt had posted it after all (recorded now, not posted again).
        sent = sum(o.status in ("sent", "found") for o in report.delivered)
        failing = sum(o.status in ("retry", "failed") for o in report.delivered)
        print(
            f"One pass: snapshot {'refreshed' if report.refreshed else 'not due'}; "
            f"{len(report.queued)} queued, {len(report.skipped)} skipped, {sent} sent, "
            f"{failing} failed or retrying"
        )
        return 0
    run(worker)
    return 0


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def cmd_outbox(args: argparse.Namespace) -> int:
    from adapters.cli import render as cli_render
    from custseg.store import outbox

    store = open_store_for(settings_from(args))
    if args.retry:
        n = outbox.retry_failed(store, args.id or None)
        print(f"{n} failed post{'s' if n != 1 else ''} queued again; the worker delivers them shortly.")
        return 0
    rows = outbox.list_messages(store, args.status, args.limit)
    if not rows:
        print(f"No {args.status + ' ' if args.status else ''}posts in the outbox.")
        return 0
    table = [
        [
            str(r["id"]),
            r["key"],
            r["status"],
            str(r["attempts"]),
            _when(r["sent_at"] if r["status"] == "sent" else r["next_attempt_at"]),
            (r["last_error"] or "")[:60],
        ]
        for r in rows
    ]
    print(
        cli_render.table(
            ["Id", "Key", "Status", "Tries", "Sent / next (UTC)", "Last error"], table, right=(0, 3)
        )
    )
    counts = outbox.counts(store)
    print(" · ".join(f"{n:,} {status}" for status, n in counts.items()) + " (times in UTC)")
    return 0


def _show(args: argparse.Namespace, topic: str) -> int:
    from adapters.console.render import render
    from bot.outbox import enqueue

    worker = _worker(args, quiet=True)
    messages = worker.preview(topic, args.platform, args.channel)
    if args.dry_run:
        for m in messages:
            print(f"── {m.key}")
            print(render(m.reply, sys.stdout.isatty()))
            print()
        if not messages:
            print(f"Nothing new: {args.platform}:{args.channel} would get no churn alert now.")
        return 0
    for m in messages:
        queued = enqueue(worker.store, args.platform, args.channel, m.key, m.reply)
        print(
            f"{m.key}: {'queued; the worker delivers it' if queued else 'already queued or sent this period'}"
        )
    if not messages:
        print(f"Nothing new: no churn alert for {args.platform}:{args.channel}.")
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    return _show(args, "digest")


def cmd_alerts(args: argparse.Namespace) -> int:
    if not args.dry_run:
        # Queuing alerts by hand would bypass the channel's episode memory; the worker does it.
        print(
            "custseg alerts only previews (--dry-run); the worker posts alerts on schedule.", file=sys.stderr
        )
        return 2
    return _show(args, "alerts")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "worker", help="post scheduled digests and churn alerts (the Procfile's worker process)"
    )
    p.add_argument("--once", action="store_true", help="one pass now (refresh, queue, deliver), then exit")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("outbox", help="list scheduled posts: pending, sent, failed; retry failed ones")
    p.add_argument("--status", choices=["pending", "sending", "sent", "failed"])
    p.add_argument("--retry", action="store_true", help="queue failed posts again (all, or --id)")
    p.add_argument("--id", type=int, action="append", help="with --retry: only this post (repeatable)")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_outbox)

    for name, func, what in (
        ("digest", cmd_digest, "the key-account digest"),
        ("alerts", cmd_alerts, "the churn alerts"),
    ):
        p = sub.add_parser(name, help=f"show (--dry-run) or queue {what} for a channel")
        p.add_argument("--channel", required=True, help="the channel id (as in its subscription)")
        p.add_argument("--platform", default="console", help="slack, teams or console (default)")
        p.add_argument("--dry-run", action="store_true", help="show it here; post nothing")
        p.set_defaults(func=func)
