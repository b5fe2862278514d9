"""`custseg web`: the Procfile's web process (Slack and Teams endpoints, /health)."""

from __future__ import annotations

import argparse
import os
import sys

from adapters.cli.common import brain_for, settings_from


def cmd_web(args: argparse.Namespace) -> int:
    from aiohttp import web

    from adapters import logs
    from adapters.web.app import STATUSES, build_app

    logs.configure()
    settings = settings_from(args)
    brain, _ = brain_for(settings)
    # A new nightly snapshot is loaded beside the one answering, then swapped in: no request waits.
    brain.background_reload = True
    app = build_app(brain, settings, os.environ)
    for status in app[STATUSES]:
        print(f"  {status.line()}", file=sys.stderr)
    print(f"custseg web on http://{args.host}:{args.port} (health: /health)", file=sys.stderr, flush=True)
    # run_app handles SIGTERM/SIGINT: it stops accepting, lets in-flight requests finish, then exits.
    web.run_app(app, host=args.host, port=args.port, print=None, shutdown_timeout=20)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "web", help="serve the Slack and Teams endpoints and /health (the Procfile's web process)"
    )
    p.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    p.set_defaults(func=cmd_web)
