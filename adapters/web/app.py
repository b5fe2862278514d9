"""The `web` process: one aiohttp server for every chat platform, a health endpoint, the chart
images Teams cards link to (``adapters.web.charts``) and the exported files they link to
(``adapters.web.exports``).

Each platform adapter module listed in ``PLATFORM_MODULES`` exports
``mount(app, brain, settings, env) -> PlatformStatus``: it adds its routes (Slack's
``/slack/events``, Teams' ``/api/messages``) when its credentials are in the environment, and
otherwise reports which variables are missing so the process still starts and says so.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from aiohttp import web

from adapters.web import charts, exports
from bot.services.chat import ChatService
from config import Settings

log = logging.getLogger("custseg.web")

PLATFORM_MODULES: tuple[str, ...] = ("adapters.slack.app", "adapters.teams.app")

BRAIN = web.AppKey("brain", ChatService)
SETTINGS = web.AppKey("settings", Settings)
STATUSES = web.AppKey("platforms", list)


@dataclass
class PlatformStatus:
    """Whether a platform is served, and if not, what is missing (variable names only, never values)."""

    platform: str
    ready: bool
    detail: str = ""
    missing: list[str] = field(default_factory=list)

    def line(self) -> str:
        if self.ready:
            return f"{self.platform}: ready{f' ({self.detail})' if self.detail else ''}"
        need = f" — set {', '.join(self.missing)}" if self.missing else ""
        return f"{self.platform}: off{need}{f' ({self.detail})' if self.detail else ''}"


async def health(request: web.Request) -> web.Response:
    """Liveness and readiness: the database answers, and how old the latest snapshot is."""
    brain = request.app[BRAIN]

    def check() -> dict[str, object]:
        from custseg.snapshot.storage import list_snapshots

        frame = list_snapshots(brain.store)
        latest = None if frame.empty else str(frame["as_of"].max())
        return {"database": "ok", "snapshot_as_of": latest}

    try:
        body = await asyncio.to_thread(check)
        status = 200
    except Exception as err:  # the health endpoint reports failures rather than raising them
        log.warning("health check failed: %s", type(err).__name__)
        body = {"database": "unreachable"}
        status = 503
    body["status"] = "ok" if status == 200 else "failing"
    body["platforms"] = {s.platform: s.ready for s in request.app[STATUSES]}
    body["time"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return web.json_response(body, status=status)


def build_app(
    brain: ChatService,
    settings: Settings,
    env: Mapping[str, str],
    modules: tuple[str, ...] = PLATFORM_MODULES,
) -> web.Application:
    """The web application with ``/health`` and every platform whose credentials are present."""
    app = web.Application(client_max_size=1024**2)
    app[BRAIN] = brain
    app[SETTINGS] = settings
    statuses: list[PlatformStatus] = []
    for name in modules:
        statuses.append(importlib.import_module(name).mount(app, brain, settings, env))
    app[STATUSES] = statuses
    app.router.add_get("/health", health)
    charts.mount(app, brain.store)
    exports.mount(app, brain.store)
    return app
