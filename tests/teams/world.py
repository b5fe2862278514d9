"""One running Teams world for the end-to-end tests: the real custseg web app and a fake connector
service on loopback, a brain on the demo book, and helpers that act the way Teams does (post an
Activity, @mention the bot in a channel, press a card button).

Each test module builds its own world (its people differ) with ``running_world`` in a
module-scoped ``world`` fixture; ``tests/teams/conftest.py`` gives every test a ``teams`` world
whose connector recordings start empty.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.web.app import STATUSES, build_app
from bot.brain import Brain
from config import Settings, load_settings
from config.access import Person, TeamSettings
from config.sections import MsTeamsSettings
from custseg.store import open_store
from tests.fakes.teams_connector import Call, FakeConnector, LoopbackServers
from tests.helpers.demo_book import DemoBooks
from tests.teams.cards import card_action

TEAMS = ("adapters.teams.app",)
BOT = {"id": "28:custseg-bot", "name": "custseg"}
MARIA = {"id": "29:maria", "name": "Maria Rossi", "aadObjectId": "aad-maria"}
TENANT = "tenant-1"
PERSONAL = {"id": "a:personal-maria", "conversationType": "personal", "tenantId": TENANT}
CREDENTIALS = {
    "MICROSOFT_APP_ID": "00000000-0000-0000-0000-00000000abcd",
    "MICROSOFT_APP_PASSWORD": "not-a-real-secret",
    "MICROSOFT_APP_TENANT_ID": "11111111-1111-1111-1111-111111111111",
}
MENTION = {"type": "mention", "mentioned": BOT, "text": "<at>custseg</at>"}
# Maria (account manager) and Petra (manager) in team EMEA: the usual people of a Teams world.
EMEA_UPDATE: dict[str, Any] = {
    "people": {
        "maria": Person(name="Maria", owner="Maria", teams=["emea"], teams_id="29:maria"),
        "petra": Person(name="Petra Novak", role="manager", teams=["emea"], teams_id="29:petra"),
    },
    "teams": {"emea": TeamSettings(members=["Maria", "Lukas"])},
}
_ids = itertools.count(1)
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def post(url: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with _direct.open(request, timeout=60) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    try:
        return status, (json.loads(raw) if raw else None)
    except ValueError:
        return status, raw.decode()


def channel_thread(channel_id: str, message_id: str = "1700000000000") -> dict[str, Any]:
    """A reply thread in a team channel, as a conversation."""
    return {"id": f"{channel_id};messageid={message_id}", "conversationType": "channel", "tenantId": TENANT}


def channel_data(channel_id: str, team: str = "Sales") -> dict[str, Any]:
    return {"team": {"id": "19:team", "name": team}, "channel": {"id": channel_id}}


@dataclass
class World:
    brain: Brain
    connector: FakeConnector
    connector_url: str
    bot_url: str
    servers: LoopbackServers
    statuses: list
    database_url: str  # for a second handle, as another process (the worker) would open

    @property
    def settings(self) -> Settings:
        return self.brain.settings

    def activity(self, conversation: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        return {
            "type": "message",
            "id": f"in-{next(_ids)}",
            "channelId": "msteams",
            "serviceUrl": self.connector_url,
            "from": MARIA,
            "recipient": BOT,
            "conversation": conversation or PERSONAL,
            "timestamp": dt.datetime.now(dt.UTC).isoformat(),
            **fields,
        }

    def send(self, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        return post(f"{self.bot_url}/api/messages", body, headers)

    def ask(self, text: str, conversation: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        """Send a message; the card the bot answered with."""
        before = len(self.connector.calls)
        status, _ = self.send(self.activity(conversation, text=text, **fields))
        assert status in (200, 202)
        (answer,) = [c for c in self.connector.calls[before:] if c.kind == "reply"]
        return answer.card

    def mention(
        self, text: str, thread: dict[str, Any], user: Mapping[str, Any] = MARIA, **fields: Any
    ) -> list[Call]:
        """@mention the bot in ``thread`` (a channel or group chat) as ``user``; every call the bot
        made to the connector while answering."""
        before = len(self.connector.calls)
        status, _ = self.send(
            self.activity(
                thread, text=f"<at>custseg</at> {text}", entities=[MENTION], **{"from": dict(user)}, **fields
            )
        )
        assert status in (200, 202)
        return self.connector.calls[before:]

    def press(
        self,
        card: dict[str, Any],
        title: str,
        card_id: str = "card-1",
        conversation: dict[str, Any] | None = None,
        user: Mapping[str, Any] = MARIA,
        **fields: Any,
    ) -> tuple[int, Any]:
        """Press a card button the way Teams does (an adaptiveCard/action invoke)."""
        button = card_action(card, title)
        value = {
            "action": {"type": "Action.Execute", "verb": button["verb"], "data": button["data"]},
            "trigger": "manual",
        }
        return self.send(
            self.activity(
                conversation,
                type="invoke",
                name="adaptiveCard/action",
                value=value,
                replyToId=card_id,
                **{"from": dict(user)},
                **fields,
            )
        )


@contextmanager
def running_world(
    demo_books: DemoBooks,
    tmp: Path,
    update: Mapping[str, Any],
    backend: str = "sqlite",
    env: Mapping[str, str] | None = None,
    modules: tuple[str, ...] = TEAMS,
    port: int | None = None,
    n_customers: int = 2000,
) -> Iterator[World]:
    """A world on a copy of the demo book (``n_customers``) whose settings are the defaults with
    ``update`` (e.g. ``people``), stored in SQLite under ``tmp`` or in a fresh PostgreSQL database
    (``backend="postgres"``); ``env``, ``modules`` and ``port`` are the web app's (Slack can run
    beside Teams; a fixed port when the settings must name the app's own URL)."""
    with ExitStack() as stack:
        # Without credentials the tests run Teams in local mode, which must be switched on.
        defaults = {"msteams": MsTeamsSettings(local_mode=True)}
        settings = load_settings(env={}).model_copy(update={**defaults, **dict(update)})
        url = stack.enter_context(demo_books.url(backend, tmp, settings, n_customers))
        store = open_store(url)
        stack.callback(store.dispose)
        brain = Brain(store, settings)
        servers = LoopbackServers()
        stack.callback(servers.close)
        connector = FakeConnector()
        connector_url = servers.serve(connector.app())
        app = build_app(brain, settings, dict(env or {}), modules)
        # No port named: a free one (aiohttp would take 8080, which parallel runs share).
        bot_url = servers.serve(app, port or 0)
        yield World(brain, connector, connector_url, bot_url, servers, app[STATUSES], url)
