"""200 concurrent `/custseg` slash commands against the real web process: every ack < 3 s, p99 reported.

Runs the real web process in its own child process, as in production (aiohttp, Slack mounted,
real brain on the 2,000-customer demo book in a temporary SQLite store), on loopback; the Slack Web
API and the commands' response_urls are answered by the tests' fake Slack server in this process. All commands are sent at once over separate connections,
signed as Slack signs them. Measured per command: the HTTP acknowledgement (Slack's 3-second
deadline) and the time until the answer reached its response_url. Baseline in the same run: the
same number of concurrent GET /health requests on the same server.

    .venv/bin/python bench/bench_slack.py [--commands 200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._util import ROOT, fmt_s, machine, print_table, verdict

SECRET = "bench-signing-secret"
QUESTIONS = [
    "who are the declining customers?",
    "how many champions do we have in EMEA?",
    "my dormant customers",
    "top 5 customers by revenue",
    "tell me about Globex",
    "why is Globex at risk?",
    "any churn alerts?",
    "show this week's key account digest",
    "give me the segment breakdown",
    "help",
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def signed(body: bytes) -> dict[str, str]:
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


async def burst(url: str, fake, n: int, round_no: int) -> tuple[list[float], list[float], list[float], int]:
    """Send n commands at once; (ack seconds, answer seconds, /health seconds, non-200 acks)."""
    import aiohttp

    bodies = []
    for i in range(n):
        form = {
            "team_id": "T1",
            "channel_id": "C_BENCH",
            "user_id": "U_MARIA",
            "command": "/custseg",
            "text": QUESTIONS[i % len(QUESTIONS)],
            "response_url": fake.response_url(f"r{round_no}-{i}"),
            "trigger_id": "1.2.3",
        }
        bodies.append(urlencode(form).encode())
    sent: dict[str, float] = {}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def one(i: int, body: bytes) -> tuple[float, int]:
            started = time.monotonic()
            sent[f"r{round_no}-{i}"] = started
            async with session.post(f"{url}/slack/events", data=body, headers=signed(body)) as response:
                await response.read()
                return time.monotonic() - started, response.status

        acks = await asyncio.gather(*(one(i, b) for i, b in enumerate(bodies)))

        async def health() -> float:
            started = time.monotonic()
            async with session.get(f"{url}/health") as response:
                await response.read()
            return time.monotonic() - started

        deadline = time.monotonic() + 120
        while len({c.args["response_url"] for c in fake.calls_to("respond")} & set(sent)) < n:
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
        healths = await asyncio.gather(*(health() for _ in range(n)))
    answered: dict[str, float] = {}
    for call in fake.calls_to("respond"):
        answered.setdefault(call.args["response_url"], call.at)
    answers = [answered[k] - sent[k] for k in sent if k in answered]
    return [a for a, _ in acks], answers, list(healths), sum(1 for _, s in acks if s != 200)


def serve(db: str, port: int) -> int:
    """The child: the web process on the prepared store (what `custseg web` runs)."""
    from aiohttp import web

    from adapters.web.app import build_app
    from bot.brain import Brain
    from custseg.store import open_store
    from tests.helpers.slack import demo_settings

    brain = Brain(open_store(db), demo_settings())
    brain.engine()
    app = build_app(brain, brain.settings, os.environ, modules=("adapters.slack.app",))
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)
    return 0


def wait_until_up(url: str, child: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise SystemExit("the web process exited before serving")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the web process did not start within 2 minutes")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--commands", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--serve", metavar="DB_URL", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        return serve(args.serve, args.port)

    from tests.fakes.slack_api import FakeSlackAPI
    from tests.helpers.demo_book import load_demo
    from tests.helpers.slack import demo_settings

    with tempfile.TemporaryDirectory() as tmp:
        from custseg.store import open_store

        t0 = time.perf_counter()
        db = f"sqlite:///{Path(tmp) / 'bench.db'}"
        load_demo(open_store(db), demo_settings(), Path(tmp))
        print(f"demo book built in {time.perf_counter() - t0:.1f} s", flush=True)
        fake = FakeSlackAPI().start()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.api_url,
            "LOG_LEVEL": "WARNING",
        }
        child = subprocess.Popen(
            [sys.executable, __file__, "--serve", db, "--port", str(port)], env=env, cwd=ROOT
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(url, child)
            acks: list[float] = []
            answers: list[float] = []
            healths: list[float] = []
            failed = 0
            for r in range(args.rounds):
                a, b, h, f = asyncio.run(burst(url, fake, args.commands, r))
                acks += a
                answers += b
                healths += h
                failed += f
                print(
                    f"round {r + 1}: ack p99 {fmt_s(percentile(a, 99))}, max {fmt_s(max(a))}; "
                    f"answered {len(b)}/{args.commands}, answer p99 {fmt_s(percentile(b, 99)) if b else '-'}",
                    flush=True,
                )
            auth_tests = len(fake.calls_to("auth.test"))
        finally:
            child.terminate()
            child.wait(30)
            fake.stop()
    print(f"auth.test calls: {auth_tests}")
    sent = args.commands * args.rounds
    rows = [
        [
            f"ack of {args.commands} concurrent /custseg, p50 / p99 / max",
            f"{fmt_s(percentile(acks, 50))} / {fmt_s(percentile(acks, 99))} / {fmt_s(max(acks))}",
            f"/health p99 {fmt_s(percentile(healths, 99))}",
            "-",
            "every ack < 3 s",
            verdict(max(acks) < 3 and failed == 0),
        ],
        [
            "answer at response_url, p50 / p99 / max",
            f"{fmt_s(percentile(answers, 50))} / {fmt_s(percentile(answers, 99))} / {fmt_s(max(answers))}"
            if answers
            else "-",
            "-",
            "-",
            f"all {sent} answered",
            verdict(len(answers) == sent),
        ],
    ]
    print_table(f"Slack slash commands, {args.rounds} bursts ({machine()})", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
