"""`custseg` command line: the composition root that wires settings, store, core and bot together."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from adapters.cli.common import app_for, brain_for, open_store_for, parse_date, settings_from
from custseg.errors import CustsegError, InputFileError
from custseg.progress import Progress

EXAMPLES = """examples:
  custseg demo                                   build the demo book and segment it
  custseg load orders.csv --mapping online_retail
  custseg segment --as-of 2024-06-30             rebuild the snapshot of a past day
  custseg ask "how many champions do we have?"
  custseg changes --by lifecycle                 who moved since the previous snapshot
"""


# Where `custseg ask` saves exported files (the terminal's own, like var/charts).
EXPORT_DIR = Path("var") / "exports"

# Command groups in their own modules; each exports register(subparsers).
COMMAND_MODULES: tuple[str, ...] = (
    "adapters.cli.serve",
    "adapters.cli.doctor",
    "adapters.cli.model",
    "adapters.cli.actions",
    "adapters.cli.worker",
    "adapters.cli.slack",
)


def cmd_load(args: argparse.Namespace) -> int:
    from custseg.ingest.readers import read_customer_file, read_order_file
    from custseg.store.load import save_customers, save_order_file

    settings = settings_from(args)
    store = open_store_for(settings)
    for path in args.files:
        progress = Progress()
        if args.customers:
            frame = read_customer_file(path)
            added, updated = save_customers(store, frame)
            print(
                f"Loaded {path}: {len(frame):,} customers; {added:,} new, {updated:,} updated; {progress.elapsed:.1f}s"
            )
            continue
        loaded = read_order_file(path, args.mapping, progress, timezone=settings.timezone)
        print(save_order_file(store, loaded, progress).report())
    return 0


def _print_snapshot_summary(snap, summary, seconds: float, saved: bool) -> None:
    counts = snap.customers["segment"].value_counts()
    top = ", ".join(f"{counts[s]:,} {s.replace('_', ' ')}" for s in counts.index[:4])
    dropped = snap.notes.get("customers_without_purchases", 0)
    extra = f"; {dropped:,} customers with nothing but returns left out" if dropped else ""
    where = "saved" if saved else "not saved"
    print(
        f"Snapshot {snap.as_of} ({where}): {len(snap):,} customers from {summary.source}{extra}; "
        f"{int(snap.customers['key_account'].sum()):,} key accounts; {top}; {seconds:.1f}s"
    )
    if summary.as_of_note:
        print(f"  ({summary.as_of_note})")


def cmd_segment(args: argparse.Namespace) -> int:
    from custseg.pipeline import segment

    settings = settings_from(args)
    store = open_store_for(settings)
    days = [args.as_of]
    if args.history:
        if args.as_of is None:
            raise CustsegError("--history needs --as-of (the last day to rebuild).")
        days = [args.as_of - dt.timedelta(weeks=w) for w in range(args.history - 1, -1, -1)]
    for day in days:
        progress = Progress()
        snap, summary = segment(
            store,
            settings,
            day,
            file=args.file,
            mapping=args.mapping,
            progress=progress,
            save=not args.no_save,
        )
        _print_snapshot_summary(snap, summary, progress.elapsed, not args.no_save)
    return 0


def cmd_snapshots(args: argparse.Namespace) -> int:
    from adapters.cli import render
    from custseg.snapshot.storage import list_snapshots

    frame = list_snapshots(open_store_for(settings_from(args)))
    if frame.empty:
        print("No snapshots yet: run `custseg segment` (or `custseg demo`).")
        return 0
    rows = [[r.as_of, f"{r.n_customers:,}", r.source, r.created_at] for r in frame.itertuples()]
    print(render.table(["As of", "Customers", "Source", "Built"], rows, right=(1,)))
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    from adapters.cli import render
    from custseg.errors import StoreError
    from custseg.snapshot.changes import migration_matrix, migrations
    from custseg.snapshot.storage import load_snapshot

    settings = settings_from(args)
    store = open_store_for(settings)
    new = load_snapshot(store, args.to)
    try:
        old = load_snapshot(store, args.since) if args.since else load_snapshot(store, before=new.as_of)
    except StoreError:
        print(f"The snapshot of {new.as_of} is the first one; there is nothing to compare it with.")
        return 0
    moved = migrations(old, new, args.by)
    print(
        f"{args.by.replace('_', ' ').capitalize()} changes from {old.as_of} to {new.as_of}: {len(moved):,} customers moved"
    )
    if args.matrix:
        print(migration_matrix(old, new, args.by).to_string())
        return 0
    flows = moved.groupby(["from", "to"]).agg(customers=("customer_id", "size"), revenue=("revenue", "sum"))
    flows = flows.sort_values("customers", ascending=False).head(15)
    rows = [
        [f, t, f"{n:,}", render.money(r, settings.currency)]
        for (f, t), n, r in zip(flows.index, flows.customers, flows.revenue, strict=True)
    ]
    if rows:
        print(render.table(["From", "To", "Customers", "Revenue"], rows, right=(2, 3)))
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from adapters.console.render import render
    from bot.context import Channel
    from bot.nlu.followups import resolve
    from bot.services.conversations import file_keep, file_recall, pointed, shown

    settings = settings_from(args)
    text = " ".join(args.message)
    app, user = app_for(settings, args.as_user)
    brain = app.chat
    channel = Channel("console:cli", "console")
    session = Path(args.session) if args.session else None
    if not args.json and session is None:
        reply = brain.ask(text, user, channel)
        print(render(reply, sys.stdout.isatty(), Path("var") / "charts", EXPORT_DIR))
        return 0
    from adapters.console.render import save_file
    from bot.interpret import unsupported_notes
    from custseg.query import Query

    engine = brain.engine()
    recent = file_recall(session, settings) if session is not None else None
    said = resolve(text, recent, brain.vocabulary()) if recent is not None else brain.understand(text)
    # A row of the last list is reported as the customer it names (spec: "customer_row").
    target = pointed(said, recent) if recent is not None else said
    answered: list[object] = []
    answer: dict[str, Any]
    if isinstance(target, str):
        query, answer = said, {"kind": "reply", "text": target}
    else:
        checked = Query.from_json(target)
        query = checked.to_json()
        if checked.data and args.json:
            typed = engine.run(
                checked,
                user_owner=args.as_user or settings.users.get("console"),
                scope=app.access.of(user).scope,
            )
            answered.append(typed)
            answer = typed.to_json()
        else:
            reply = brain.run(checked, user, channel, text=text, answered=answered)
            answer = dict(reply.answer) if reply.answer else {"kind": "reply", "text": reply.plain_text()}
            if reply.file is not None:
                answer["path"] = str(save_file(reply.file, EXPORT_DIR).resolve())
            if not args.json:
                print(render(reply, sys.stdout.isatty(), Path("var") / "charts", EXPORT_DIR))
        answer["notes"] = unsupported_notes(checked) + list(answer.get("notes") or [])
    if session is not None and recent is not None and not isinstance(target, str):
        rows, customer = shown(answered, settings.conversations.max_rows)
        file_keep(session, recent.after(target, rows, customer))
    if args.json:
        print(json.dumps({"query": query, "answer": answer}, default=str, ensure_ascii=False))
    elif isinstance(target, str):
        print(target)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from adapters.console.chat import chat
    from custseg.snapshot.storage import list_snapshots

    settings = settings_from(args)
    if list_snapshots(open_store_for(settings)).empty:
        print("First run: building the demo book of business (a few seconds)…")
        cmd_demo(argparse.Namespace(**{**vars(args), "seed": 7, "customers": 2000, "quiet": True}))
    brain, user = brain_for(settings, args.as_user)
    return chat(brain, user)


def cmd_parse(args: argparse.Namespace) -> int:
    from bot.nlu import parse_stream

    # With a snapshot, the customer, account-manager and region names of the data are recognised too.
    vocabulary = None
    try:
        from custseg.snapshot.storage import list_snapshots

        settings = settings_from(args)
        if not list_snapshots(open_store_for(settings)).empty:
            brain, _ = brain_for(settings, None)
            brain.engine()
            vocabulary = brain.vocabulary()
    except CustsegError:
        vocabulary = None  # parsing needs no data; without it names are taken from cue words only
    if args.conversation:
        from bot.nlu.followups import parse_conversation

        for query in parse_conversation(sys.stdin, vocabulary):
            sys.stdout.write(json.dumps(query, separators=(",", ":")) + "\n")
            sys.stdout.flush()
        return 0
    parse_stream(sys.stdin, sys.stdout, vocabulary)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    import tempfile

    from adapters.cli import render
    from custseg.demo import make_demo_book, to_csv
    from custseg.ingest.readers import read_customer_file, read_order_file
    from custseg.pipeline import segment
    from custseg.query import Filters, OverviewAnswer, QueryEngine
    from custseg.store.load import save_customers, save_order_file

    settings = settings_from(args)
    store = open_store_for(settings)
    progress = Progress()
    progress.stage("generating the demo book")
    book = make_demo_book(seed=args.seed, n_customers=args.customers)
    with tempfile.TemporaryDirectory() as tmp:
        customers_csv, orders_csv = to_csv(book, Path(tmp))
        save_customers(store, read_customer_file(customers_csv))
        loaded = save_order_file(store, read_order_file(orders_csv, "custseg_orders", progress), progress)
    print(
        f"Demo book: {len(book.customers):,} customers, {loaded.orders_in_file:,} orders "
        f"({loaded.added:,} new) in {store!r}"
    )
    as_of = book.orders["ordered_at"].max().date()
    # A few weekly snapshots, so the digest, churn alerts and `custseg changes` have a past to compare with.
    for weeks_back in (3, 2, 1):
        segment(store, settings, as_of - dt.timedelta(weeks=weeks_back), progress=progress)
    snap, summary = segment(store, settings, as_of, progress=progress)
    _print_snapshot_summary(snap, summary, progress.elapsed, True)
    answer = QueryEngine(snap).overview(Filters())
    if getattr(args, "quiet", False):
        return 0
    assert isinstance(answer, OverviewAnswer)  # no filters, so nothing to refuse
    print()
    print(render.overview(answer, settings.currency))
    print('\nNext: custseg chat   (or: custseg ask "who are the dormant high-value customers?")')
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from custseg.store import Store

    store = Store(settings_from(args).database_url)
    if args.action == "upgrade":
        store.upgrade()
    print(
        f"{store!r}: schema revision {store.current_revision() or '(empty)'}, latest {store.head_revision()}"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="custseg",
        description="Customer segmentation for account managers.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", help="settings file overriding the defaults (or set CUSTSEG_CONFIG)")
    parser.add_argument("--database", help="SQLAlchemy URL of our own store (or set CUSTSEG_DATABASE_URL)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("demo", help="create the demo book of business and segment it")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--customers", type=int, default=2000)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("load", help="import order files (CSV, CSV.gz, Parquet) into the store")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--mapping", help="column mapping: a name from config/mappings or a TOML file (guessed if omitted)"
    )
    p.add_argument(
        "--customers",
        action="store_true",
        help="the files are customer lists (customer_id, name, owner, region, …)",
    )
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("segment", help="build the snapshot (today, or --as-of a past day)")
    p.add_argument(
        "--as-of",
        type=parse_date,
        help="the snapshot day, YYYY-MM-DD (default: today or the newest order's day)",
    )
    p.add_argument(
        "--history", type=int, metavar="WEEKS", help="rebuild this many weekly snapshots ending at --as-of"
    )
    p.add_argument("--file", help="segment an order file directly instead of the configured source")
    p.add_argument("--mapping", help="column mapping for --file")
    p.add_argument("--no-save", action="store_true", help="compute and report only")
    p.set_defaults(func=cmd_segment)

    p = sub.add_parser("snapshots", help="list stored snapshots")
    p.set_defaults(func=cmd_snapshots)

    p = sub.add_parser("changes", help="who moved between two snapshots")
    p.add_argument(
        "--by", default="segment", choices=["segment", "lifecycle", "value_tier", "churn_risk", "key_account"]
    )
    p.add_argument("--since", type=parse_date, help="the older snapshot (default: the one before --to)")
    p.add_argument("--to", type=parse_date, help="the newer snapshot (default: the latest)")
    p.add_argument("--matrix", action="store_true", help="print the full from × to table")
    p.set_defaults(func=cmd_changes)

    p = sub.add_parser("ask", help="answer one question on the latest snapshot")
    p.add_argument("message", nargs="+")
    p.add_argument("--json", action="store_true", help='print {"query": …, "answer": …}')
    p.add_argument("--as-user", help="answer as this account manager (for 'my customers')")
    p.add_argument(
        "--session",
        metavar="FILE",
        help="keep the conversation in FILE across calls, so follow-ups ('and in APAC?') are understood",
    )
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="chat with custseg in the terminal (builds the demo book on first run)")
    p.add_argument("--as-user", help="chat as this account manager (for 'my customers')")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("parse", help="read messages on stdin, write one JSON query per line")
    p.add_argument(
        "--conversation",
        action="store_true",
        help="read follow-ups against the messages before them (an empty line starts a new conversation)",
    )
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("db", help="show or upgrade the database schema")
    p.add_argument("action", choices=["current", "upgrade"])
    p.set_defaults(func=cmd_db)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        return int(args.func(args) or 0)
    except InputFileError as err:
        print(str(err), file=sys.stderr)
        return err.exit_code
    except CustsegError as err:
        print(f"custseg: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print(
            f"\ncustseg: interrupted after {time.perf_counter() - started:.0f}s; nothing was half-written.",
            file=sys.stderr,
        )
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
