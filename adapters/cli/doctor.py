"""`custseg doctor`: is this deployment healthy, and if not, what to do."""

from __future__ import annotations

import argparse

from adapters.cli.common import settings_from


def cmd_doctor(args: argparse.Namespace) -> int:
    from adapters.ops.doctor import deployment, render, run_checks

    d = deployment(settings_from(args))
    try:
        findings = run_checks(d)
    finally:
        d.store.dispose()
    print(render(findings))
    return 1 if any(f.level == "fail" for f in findings) else 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "doctor", help="check the deployment: database, source, snapshot, Slack, Teams, worker"
    )
    p.set_defaults(func=cmd_doctor)
