"""`custseg doctor`: checks a deployment and says in plain words what is wrong and how to fix it.

Each check returns one ``Finding``. Checks never raise: a failure to check is itself a finding.
Nothing here prints a secret; findings name environment variables, never their values.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

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
    from custseg.ingest.sql_source import latest_order
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
    from custseg.snapshot.storage import list_snapshots

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


MANIFEST = Path(__file__).resolve().parents[1] / "slack" / "manifest.yaml"


def manifest_scopes(text: str | None = None) -> list[str]:
    """The bot scopes ``adapters/slack/manifest.yaml`` asks for (its ``scopes: bot:`` list)."""
    text = MANIFEST.read_text(encoding="utf-8") if text is None else text
    block = re.search(r"^\s*scopes:\s*\n\s*bot:\s*\n((?:\s+- .*\n?)+)", text, re.M)
    return re.findall(r"^\s+- ([\w:.]+)", block.group(1), re.M) if block else []


def _slack_client(d: Deployment) -> Any:
    from slack_sdk import WebClient

    return WebClient(
        token=d.env["SLACK_BOT_TOKEN"], base_url=d.env.get("SLACK_API_URL") or WebClient.BASE_URL, timeout=10
    )


def check_slack(d: Deployment) -> list[Finding]:
    from slack_sdk.errors import SlackApiError

    if not d.env.get("SLACK_BOT_TOKEN"):
        return [Finding("slack", "skip", "Slack is off (SLACK_BOT_TOKEN is not set).")]
    findings = []
    if not d.env.get("SLACK_SIGNING_SECRET"):
        findings.append(
            Finding(
                "slack",
                "fail",
                "SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not, so the web process cannot accept Slack's requests.",
                "Copy Basic Information → App Credentials → Signing Secret into SLACK_SIGNING_SECRET.",
            )
        )
    try:
        response = _slack_client(d).auth_test()
    except SlackApiError as err:
        code = err.response.get("error") if err.response is not None else "error"
        return [
            *findings,
            Finding(
                "slack",
                "fail",
                f"Slack refused SLACK_BOT_TOKEN ({code}).",
                "Copy OAuth & Permissions → Bot User OAuth Token (xoxb-…) into SLACK_BOT_TOKEN; reinstall the app if it was revoked.",
            ),
        ]
    except Exception as err:
        return [
            *findings,
            Finding(
                "slack",
                "fail",
                f"Could not reach Slack: {type(err).__name__}.",
                "Check the network to slack.com.",
            ),
        ]
    header = next((v for k, v in (response.headers or {}).items() if k.lower() == "x-oauth-scopes"), None)
    granted = {
        s.strip() for s in (header[0] if isinstance(header, list) else header or "").split(",") if s.strip()
    }
    who = f"the token is valid (bot user {response.get('user_id')}, workspace {response.get('team_id')})"
    if header is None:
        return [
            *findings,
            Finding("slack", "warn", f"Slack: {who}, but Slack did not say which scopes it has."),
        ]
    missing = [s for s in manifest_scopes() if s not in granted]
    if missing:
        return [
            *findings,
            Finding(
                "slack",
                "fail",
                f"Slack: {who}, but it lacks the scopes {', '.join(missing)} that adapters/slack/manifest.yaml asks for.",
                "Add them under OAuth & Permissions → Bot Token Scopes (or paste the manifest again), then reinstall the app to the workspace.",
            ),
        ]
    return [*findings, Finding("slack", "ok", f"Slack: {who}, with every scope the manifest asks for.")]


def check_teams(d: Deployment) -> list[Finding]:
    from adapters.teams.connection import TeamsConfig

    registered = TeamsConfig.from_env(d.env)
    # The package matters once there is an app registration to upload it for.
    package = _teams_package(d) if not registered.local_mode and not registered.missing else []
    return [*_teams_registration(d), *package]


def _teams_package(d: Deployment) -> list[Finding]:
    """A warning for each page of the Teams app package still on a placeholder URL."""
    app = d.settings.msteams.app
    return [
        Finding(
            "teams",
            "warn",
            f"The Teams app package's [msteams.app] {name} is a placeholder ({url}): Teams shows it in the "
            "app's details.",
            f'In your settings file: [msteams.app] {name} = "https://…" (your own page), then run '
            "scripts/package-teams-app again.",
        )
        for name, url in app.placeholders().items()
    ]


def _teams_registration(d: Deployment) -> list[Finding]:
    from adapters.teams.connection import ENV_NAMES, TeamsConfig

    config = TeamsConfig.from_env(d.env)
    if config.local_mode:
        if d.settings.msteams.local_mode:
            return [
                Finding(
                    "teams",
                    "skip",
                    f"Teams runs in local mode ([msteams] local_mode = true): no tokens are checked and only "
                    f"serviceUrls on this machine are answered ({', '.join(ENV_NAMES)} not set).",
                    "Turn local_mode off before exposing the web process, and set the three variables for Teams.",
                )
            ]
        return [
            Finding(
                "teams",
                "skip",
                f"Teams is off: {', '.join(ENV_NAMES)} are not set (and [msteams] local_mode is off).",
            )
        ]
    if config.missing:
        return [
            Finding(
                "teams",
                "fail",
                f"Teams is partly configured: {', '.join(config.missing)} missing, so Teams stays off.",
                "Set all three MICROSOFT_APP_* variables from the Azure Bot registration, or none.",
            )
        ]
    return [Finding("teams", "ok", "Teams: the app id, password and tenant id are set."), _teams_charts(d)]


def _teams_charts(d: Deployment) -> Finding:
    public_url = d.settings.web.public_url
    if public_url is None:
        return Finding(
            "teams",
            "warn",
            "Teams charts are shown as numbers: set [web] public_url to the web process's public https "
            "address, so cards show them as images.",
            'In your settings file: [web] public_url = "https://custseg.example.com" (or set '
            "CUSTSEG_PUBLIC_URL); Teams fetches the images from <public_url>/charts/….",
        )
    return Finding("teams", "ok", f"Teams charts are images served from {public_url}/charts/….")


def check_channels(d: Deployment) -> list[Finding]:
    """Each subscribed channel: the bot can post there, and it is not shared outside (unless allowed)."""
    from custseg.store.subscriptions import list_subscriptions

    try:
        subs = list_subscriptions(d.store)
    except Exception as err:
        return [Finding("channels", "skip", f"Could not list subscriptions: {type(err).__name__}.")]
    findings: list[Finding] = []
    for platform, channel_id in sorted({(s["platform"], s["channel_id"]) for s in subs}):
        if platform == "slack":
            findings.append(_slack_channel(d, channel_id))
        elif platform == "teams":
            findings.append(_teams_channel(d, channel_id))
    if not findings:
        return [Finding("channels", "ok", "No Slack or Teams channel is subscribed yet.")]
    return findings


def _slack_channel(d: Deployment, channel_id: str) -> Finding:
    from slack_sdk.errors import SlackApiError

    from adapters.slack.channels import is_direct, visibility

    if not d.env.get("SLACK_BOT_TOKEN"):
        return Finding(
            "channels", "warn", f"slack:{channel_id} is subscribed but Slack is off.", "Set SLACK_BOT_TOKEN."
        )
    if is_direct(channel_id):
        return Finding("channels", "ok", f"slack:{channel_id} is a direct message.")
    try:
        info = _slack_client(d).conversations_info(channel=channel_id).get("channel") or {}
    except SlackApiError as err:
        code = err.response.get("error") if err.response is not None else "error"
        return Finding(
            "channels",
            "fail",
            f"slack:{channel_id} is subscribed but Slack cannot find it for the bot ({code}).",
            'Invite @custseg to the channel, or stop the subscription there ("stop sending … here").',
        )
    except Exception as err:
        return Finding("channels", "skip", f"slack:{channel_id}: could not ask Slack ({type(err).__name__}).")
    if visibility(info) == "external" and not d.settings.channels.external_allowed("slack", channel_id):
        return Finding(
            "channels",
            "fail",
            f"slack:{channel_id} is shared with another organisation; its posts are refused.",
            f'Stop the subscription there, or allow it: [channels] allow_external = ["slack:{channel_id}"].',
        )
    if not info.get("is_member"):
        return Finding(
            "channels",
            "fail",
            f"slack:{channel_id} is subscribed but custseg is not a member, so its posts fail.",
            "In that channel type `/invite @custseg`.",
        )
    return Finding("channels", "ok", f"slack:{channel_id}: custseg is a member.")


def _teams_channel(d: Deployment, channel_id: str) -> Finding:
    from adapters.teams.references import get_reference

    stored = get_reference(d.store, channel_id)
    if stored is None or not stored.installed:
        return Finding(
            "channels",
            "fail",
            f"teams:{channel_id} is subscribed but custseg is not installed there, so its posts fail.",
            "Add the custseg app to that team or chat (or message it there once).",
        )
    return Finding("channels", "ok", f"teams:{channel_id}: custseg is installed.")


def check_worker(d: Deployment) -> list[Finding]:
    from custseg.store.schedule_state import last_heartbeat

    try:
        last = last_heartbeat(d.store)
    except Exception as err:
        return [Finding("worker", "skip", f"Could not read the worker's heartbeat: {type(err).__name__}.")]
    fix = "Start the worker process (`custseg worker`, the Procfile's worker) and check its logs."
    if last is None:
        return [
            Finding(
                "worker", "warn", "No worker has run yet: digests, alerts and the nightly refresh wait.", fix
            )
        ]
    minutes = (d.now.astimezone(dt.UTC) - last).total_seconds() / 60
    limit = d.settings.channels.heartbeat_minutes
    if minutes > limit:
        return [
            Finding(
                "worker",
                "warn",
                f"The worker last ran {_age(minutes / 60) if minutes >= 60 else f'{minutes:.0f} minutes'} ago (over {limit:g} minutes).",
                fix,
            )
        ]
    return [Finding("worker", "ok", f"The worker ran {minutes * 60:.0f} seconds ago.")]


CHECKS: list[Check] = [
    check_database,
    check_source,
    check_snapshot,
    check_slack,
    check_teams,
    check_channels,
    check_worker,
]


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
