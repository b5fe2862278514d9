"""Message → rendered reply on a 100k-customer snapshot: p95 ≤ 50 ms; the parser alone ≤ 2 ms.
The same messages answered in Chinese (an asker whose locale is zh-CN) side by side: the
catalogue lookups and Babel's formatting must leave the reply time unchanged.

Builds a 100k-customer snapshot from synthetic orders into a temporary SQLite store, then sends a
few hundred varied chat messages through the real brain (parse → query → reply) and the console
renderer, timing each. The parser alone is measured on the same messages in the same run.

    .venv/bin/python bench/bench_chat.py [--customers 100000] [--orders 1000000] [--rounds 10]
    .venv/bin/python bench/bench_chat.py --make-store bench/.data/chat_1m.db --customers 1000000 --orders 10000000 --names company
    .venv/bin/python bench/bench_chat.py --fresh --store bench/.data/chat_1m.db

``--fresh`` times a fresh child process on a stored snapshot (``--store``, a SQLite file such as
the one ``--make-store`` writes: a snapshot of ``--customers`` customers from ``--orders``
synthetic orders, named "Customer 4242" or, with ``--names company``, in words like a real book):
start → first answer (the snapshot load included) and its peak memory (VmHWM), then ``--per-kind``
messages of each kind, profiles of customers in and outside the asker's scope among them, next
to a naive pandas lookup of the same names (one comparison with every name of the book).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._util import fmt_s, machine, print_table, verdict
from bench.synthetic import AS_OF, make_customers, make_orders

MESSAGES = [
    "who are the dormant high-value customers?",
    "list my dormant VIP customers",
    "show champions in EMEA",
    "how many at-risk customers do we have?",
    "top 5 customers by lifetime value",
    "which key accounts are likely to churn?",
    "customers who haven't ordered in 90 days",
    "who hasn't bought anything in 6 months and spent over 5000?",
    "give me the segment breakdown",
    "how are my customers distributed across segments?",
    "tell me about Customer 4242",
    "why is Customer 77 at risk?",
    "suggest a win-back action for Customer 1234",
    "help",
    "what's the weather",
    "hwo many champoins in APAC",
    "declining customers owned by anna",
    "10 biggest customers",
    "most at risk customers in north america",
    "new customers this quarter",
    "any churn alerts?",
    "show me the lost segment",
    "customers with revenue over $10k that went quiet",
    "count loyal customers",
    "sleeping customers in LATAM sorted by revenue",
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def store_owner(store) -> str:
    """The first owner (by name) in the stored snapshot's first part."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    from sqlalchemy import select

    from custseg.store.models import SNAPSHOT_PARTS

    with store.connect() as conn:
        payload = conn.execute(select(SNAPSHOT_PARTS.c.payload).limit(1)).scalar_one()
    owners = pq.read_table(pa.BufferReader(payload), columns=["owner"]).column("owner")
    return str(pc.min(owners.drop_null()))


def fresh_child(store_path: str, per_kind: int) -> int:
    """The child of ``--fresh``: prints one JSON line with its timings (seconds) and peak memory."""
    import json

    t_start = time.perf_counter()
    from adapters.console.render import render
    from bench._util import peak_rss_mb
    from bot.brain import Brain
    from bot.context import Channel, ChatUser
    from config import load_settings
    from custseg.snapshot.storage import load_snapshot
    from custseg.store import open_store

    store = open_store(f"sqlite:///{store_path}", migrate=False)
    # The asker is the first account manager of the book (by name), found without loading it.
    owner = store_owner(store)
    settings = load_settings(env={}).model_copy(update={"users": {"U1": owner}})
    brain = Brain(store, settings)
    user, channel = ChatUser("U1", "bench"), Channel("C1", "bench")
    render(brain.ask("how many champions do we have?", user, channel))
    first_s = time.perf_counter() - t_start
    first_rss = peak_rss_mb()
    # The bench's own copy of the book (to pick names from), loaded after the first answer.
    t_load = time.perf_counter()
    frame = load_snapshot(store).customers
    load_s = time.perf_counter() - t_load
    mine = frame.index[(frame["owner"] == owner).to_numpy()]
    others = frame.index[(frame["owner"].notna() & (frame["owner"] != owner)).to_numpy()]
    names = frame["name"]
    kinds = {
        "find": lambda i: "list my dormant customers",
        "count": lambda i: "how many at-risk customers do I have?",
        "overview": lambda i: "give me the segment breakdown",
        "total": lambda i: "what's the total lifetime value of my key accounts?",
        "breakdown": lambda i: "average revenue per customer by region",
        "follow-up": lambda i: "and the dormant ones?",
        "profile in scope": lambda i: f"tell me about {names[mine[i * 37 % len(mine)]]}",
        "profile outside scope": lambda i: f"tell me about {names[others[i * 41 % len(others)]]}",
    }
    times: dict[str, list[float]] = {}
    for kind, message in kinds.items():
        for i in range(per_kind):
            s = time.perf_counter()
            render(brain.ask(message(i), user, channel, conversation="bench"))
            times.setdefault(kind, []).append(time.perf_counter() - s)
    naive: list[float] = []
    for i in range(per_kind):
        s = time.perf_counter()
        (names == names[others[i * 41 % len(others)]]).to_numpy().nonzero()
        naive.append(time.perf_counter() - s)
    print(
        json.dumps(
            {
                "customers": len(frame),
                "first_s": first_s,
                "load_s": load_s,
                "first_rss_mb": first_rss,
                "times": times,
                "naive": naive,
            }
        )
    )
    return 0


def make_store(path: str, n_orders: int, n_customers: int, names: str) -> int:
    """``--make-store``: a SQLite store at ``path`` holding one snapshot of synthetic orders."""
    from config import load_settings
    from custseg.ingest.aggregate import aggregate_frame
    from custseg.snapshot.build import build_snapshot
    from custseg.snapshot.storage import save_snapshot
    from custseg.store import open_store

    t0 = time.perf_counter()
    Path(path).unlink(missing_ok=True)
    customers = make_customers(n_customers, names=names)
    snap = build_snapshot(
        aggregate_frame(make_orders(n_orders, n_customers), AS_OF), AS_OF, load_settings(env={}), customers
    )
    store = open_store(f"sqlite:///{path}")
    save_snapshot(store, snap)
    store.dispose()
    print(f"{path}: {len(snap):,} customers from {n_orders:,} orders in {time.perf_counter() - t0:.0f} s")
    return 0


def fresh(store_path: str, per_kind: int) -> int:
    """``--fresh``: a child process timed from its start to its first answer, then per kind."""
    from bench._util import run_child

    got = run_child([__file__, "--child", "--store", store_path, "--per-kind", str(per_kind)], timeout=1800)
    print(f"custseg chat benchmark, fresh process — {machine()}")
    rows = [
        [
            "start → first answer",
            fmt_s(got["first_s"]),
            f"a load_snapshot alone {fmt_s(got['load_s'])}",
            "",
            "≤ 5 s",
            verdict(got["first_s"] <= 5),
        ],
        [
            "peak memory at first answer",
            f"{got['first_rss_mb']:.0f} MiB",
            "",
            "",
            "≤ 1.5 GB",
            verdict(got["first_rss_mb"] <= 1536),
        ],
    ]
    naive = got["naive"]
    for kind, times in got["times"].items():
        rows.append(
            [
                f"{kind} p50 / p95 / max",
                f"{fmt_s(percentile(times, 50))} / {fmt_s(percentile(times, 95))} / {fmt_s(max(times))}",
                f"naive name lookup p95 {fmt_s(percentile(naive, 95))}" if "profile" in kind else "",
                "",
                "p95 ≤ 50 ms",
                verdict(percentile(times, 95) <= 0.050),
            ]
        )
    print_table(f"{got['customers']:,} customers, {len(naive)} messages per kind", rows)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fresh", action="store_true", help="time a fresh process on --store (see above)")
    ap.add_argument("--store", help="the SQLite store with a snapshot, for --fresh")
    ap.add_argument("--per-kind", type=int, default=200, help="messages of each kind, with --fresh")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=10, help="times each message is sent")
    ap.add_argument("--make-store", metavar="PATH", help="write a store for --fresh and stop")
    ap.add_argument("--names", choices=["numbered", "company"], default="numbered")
    args = ap.parse_args()
    if args.make_store:
        return make_store(args.make_store, args.orders, args.customers, args.names)
    if args.fresh or args.child:
        if not args.store:
            ap.error("--fresh needs --store PATH: a SQLite store holding a snapshot")
        return fresh_child(args.store, args.per_kind) if args.child else fresh(args.store, args.per_kind)

    from adapters.console.render import render
    from bot.brain import Brain
    from bot.context import Channel, ChatUser
    from bot.nlu import parse
    from config import load_settings
    from custseg.ingest.aggregate import aggregate_frame
    from custseg.snapshot.build import build_snapshot
    from custseg.snapshot.storage import save_snapshot
    from custseg.store import open_store

    print(f"custseg chat benchmark — {machine()}")
    t0 = time.perf_counter()
    orders = make_orders(args.orders, args.customers)
    customers = make_customers(args.customers)
    settings = load_settings(env={}).model_copy(update={"users": {"U1": customers["owner"].dropna().iloc[0]}})
    snap = build_snapshot(aggregate_frame(orders, AS_OF), AS_OF, settings, customers)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        save_snapshot(store, snap)
        print(
            f"setup: {len(snap):,} customers from {len(orders):,} orders in {time.perf_counter() - t0:.1f}s"
        )

        brain = Brain(store, settings)
        user, channel = ChatUser("U1", "bench"), Channel("C1", "bench")
        t1 = time.perf_counter()
        brain.ask("help", user, channel)  # loads the snapshot and vocabulary once, as a running bot does
        print(f"first message (loads snapshot + vocabulary): {fmt_s(time.perf_counter() - t1)}")
        vocab = brain.vocabulary()

        chinese_user = ChatUser("U1", "bench", locale="zh-CN")
        render(brain.ask("help", chinese_user, channel))  # reads the Chinese catalogue once
        full: list[float] = []
        chinese: list[float] = []
        parser: list[float] = []
        per_message: dict[str, list[float]] = {}
        for _ in range(args.rounds):
            for text in MESSAGES:
                s = time.perf_counter()
                parse(text, vocab)
                parser.append(time.perf_counter() - s)
                s = time.perf_counter()
                render(brain.ask(text, user, channel))
                elapsed = time.perf_counter() - s
                full.append(elapsed)
                per_message.setdefault(text, []).append(elapsed)
                s = time.perf_counter()
                render(brain.ask(text, chinese_user, channel))
                chinese.append(time.perf_counter() - s)
        store.dispose()

    slowest = sorted(per_message.items(), key=lambda kv: -statistics.median(kv[1]))[:3]
    rows = [
        [
            "message → rendered reply p95",
            fmt_s(percentile(full, 95)),
            f"parser p95 {fmt_s(percentile(parser, 95))}",
            f"{percentile(full, 95) / percentile(parser, 95):.0f}×",
            "≤ 50 ms",
            verdict(percentile(full, 95) <= 0.050),
        ],
        ["message → rendered reply p50", fmt_s(percentile(full, 50)), "", "", "", ""],
        [
            "same, answered in Chinese p95",
            fmt_s(percentile(chinese, 95)),
            f"English p95 {fmt_s(percentile(full, 95))}",
            f"{percentile(chinese, 95) / percentile(full, 95):.2f}×",
            "≤ 50 ms",
            verdict(percentile(chinese, 95) <= 0.050),
        ],
        ["same, answered in Chinese p50", fmt_s(percentile(chinese, 50)), "", "", "", ""],
        ["message → rendered reply max", fmt_s(max(full)), "", "", "", ""],
        [
            "parser alone, mean",
            fmt_s(statistics.mean(parser)),
            "",
            "",
            "≤ 2 ms",
            verdict(statistics.mean(parser) <= 0.002),
        ],
    ]
    print_table(
        f"{len(full)} messages ({len(MESSAGES)} kinds × {args.rounds}) on {len(snap):,} customers", rows
    )
    print("slowest kinds (median):")
    for text, times in slowest:
        print(f"  {fmt_s(statistics.median(times)):>9}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
