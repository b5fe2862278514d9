"""Which platforms the worker can post to, from the environment.

Slack posts need ``SLACK_BOT_TOKEN``; Teams posts need the app registration (``MICROSOFT_APP_ID``,
``MICROSOFT_APP_PASSWORD``, ``MICROSOFT_APP_TENANT_ID``). The platform adapters are imported only
when configured. The ``console`` platform (subscriptions made in `custseg chat`) always posts to
files; when no chat platform is configured at all, every platform does, so the worker can be
tried locally. A platform that is configured wrongly gets no poster: its posts wait in the outbox.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.console.poster import FilePoster
from bot.delivery import Poster
from custseg.errors import DeliveryError
from custseg.store.db import Store

if TYPE_CHECKING:
    from adapters.web.charts import ChartLinks

PLATFORMS: tuple[str, ...] = ("slack", "teams")
OUTBOX_DIR = Path("var") / "outbox"


def build_posters(
    store: Store,
    env: Mapping[str, str],
    directory: Path | None = OUTBOX_DIR,
    allow_external: Iterable[str] = (),
    chart_links: ChartLinks | None = None,
) -> tuple[dict[str, Poster], list[str]]:
    """The posters by platform, and one line per platform saying where its posts go.

    ``allow_external``: the externally shared channels an admin allowed (``[channels]``);
    ``chart_links``: where Teams charts are stored for the web process to serve (``[web]``)."""
    posters: dict[str, Poster] = {}
    notes: list[str] = []
    if env.get("SLACK_BOT_TOKEN"):
        from adapters.slack.poster import SlackPoster

        posters["slack"] = SlackPoster.from_env(env, allow_external)
        notes.append("slack: posting with SLACK_BOT_TOKEN")
    from adapters.teams.connection import ENV_NAMES

    if any(env.get(name) for name in ENV_NAMES):
        from adapters.teams.poster import TeamsPoster

        try:
            posters["teams"] = TeamsPoster(store, env, allow_external, chart_links)
            notes.append("teams: posting as the registered app")
            if chart_links is None:
                notes.append("teams: charts shown as numbers when too large for a card; set [web] public_url")
        except DeliveryError as err:
            notes.append(f"teams: off, posts wait in the outbox — {err}")
    where = str(directory) if directory is not None else "the terminal"
    local = [p for p in PLATFORMS if p not in posters] if not posters else []
    for platform in ("console", *local):
        posters[platform] = FilePoster(platform, directory)
        notes.append(f"{platform}: posts written to {where}")
    if not local:
        notes += [f"{p}: off, posts wait in the outbox" for p in PLATFORMS if p not in posters]
    return posters, notes
