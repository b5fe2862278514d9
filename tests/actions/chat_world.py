"""A chat world for win-back tests across platforms: the real web app on loopback with Slack and
Teams mounted on the demo book, the fake Slack Web API, the fake Teams connector, and the outbox
delivering to both."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.slack.poster import SlackPoster
from adapters.teams.poster import TeamsPoster
from adapters.web.app import build_app
from bot.brain import Brain
from bot.context import ChatUser
from bot.outbox import deliver_due
from config import Settings, load_settings
from config.access import Person, TeamSettings
from config.sections import MsTeamsSettings
from custseg.store import open_store
from custseg.store.db import Store
from tests.fakes.slack_api import Call, FakeSlackAPI
from tests.fakes.teams_connector import FakeConnector, LoopbackServers
from tests.helpers.demo_book import DemoBooks
from tests.helpers.slack import SlackSide, buttons, slack_env
from tests.teams.cards import card_actions
from tests.teams.test_teams_app import post

SLACK_ALERTS = "C_ALERTS"
SLACK_DIGEST = "C_DIGEST"
MARIA_DM = "U_MARIA"
TEAMS_CHANNEL = "19:winback-emea@thread.tacv2"
TEAMS_CONVERSATION = {"id": TEAMS_CHANNEL, "conversationType": "channel", "tenantId": "tenant-1"}
BOT = {"id": "28:custseg-bot", "name": "custseg"}
ADA = ChatUser("U_ADA", "slack")
ADA_TEAMS = {"id": "29:ada", "name": "Ada Admin", "aadObjectId": "aad-ada"}
PETRA_TEAMS = {"id": "29:petra", "name": "Petra Novak", "aadObjectId": "aad-petra"}


def world_settings() -> Settings:
    return load_settings(env={}).model_copy(
        update={
            "people": {
                "petra": Person(
                    name="Petra Novak",
                    role="manager",
                    teams=["EMEA"],
                    slack_id="U_PETRA",
                    teams_id="29:petra",
                ),
                "olga": Person(name="Olga Berg", role="manager", teams=["EMEA"], slack_id="U_OLGA"),
                "maria": Person(name="Maria", owner="Maria", teams=["EMEA"], slack_id="U_MARIA"),
                "ada": Person(name="Ada Admin", role="admin", slack_id="U_ADA", teams_id="29:ada"),
                "vic": Person(name="Vic Viewer", role="viewer", teams=["EMEA"], slack_id="U_VIC"),
            },
            "teams": {"EMEA": TeamSettings(members=["Maria", "Lukas"])},
            "msteams": MsTeamsSettings(local_mode=True),  # Teams without credentials, on loopback
        }
    )


@dataclass
class Both:
    brain: Brain
    slack: SlackSide
    connector: FakeConnector
    connector_url: str
    bot_url: str

    @property
    def store(self) -> Store:
        return self.brain.store

    def deliver(self) -> list[Any]:
        posters = {
            "slack": SlackPoster("xoxb-test", self.slack.fake.api_url),
            "teams": TeamsPoster(self.store, {}),
        }
        return deliver_due(self.store, posters, self.brain.settings.delivery)

    def invoke(
        self,
        action: dict[str, Any],
        card_id: str,
        inputs: dict[str, str] | None = None,
        user: dict[str, Any] = ADA_TEAMS,
        conversation: dict[str, Any] = TEAMS_CONVERSATION,
    ) -> Any:
        """Press an Action.Execute on the Teams card ``card_id`` (with what was typed into the
        card's inputs, which Teams merges into the action's data); the card Teams shows after."""
        value = {
            "action": {
                "type": "Action.Execute",
                "verb": action["verb"],
                "data": {**action["data"], **(inputs or {})},
            },
            "trigger": "manual",
        }
        activity = {
            "type": "invoke",
            "name": "adaptiveCard/action",
            "id": f"invoke-{card_id}",
            "channelId": "msteams",
            "serviceUrl": self.connector_url,
            "from": user,
            "recipient": BOT,
            "conversation": conversation,
            "value": value,
            "replyToId": card_id,
        }
        status, body = post(f"{self.bot_url}/api/messages", activity)
        assert status == 200 and body["statusCode"] == 200, body
        return body["value"]


@contextmanager
def open_world(demo_books: DemoBooks, tmp: Path) -> Iterator[Both]:
    """A copy of the demo book in a SQLite file, the real web app with Slack and Teams mounted, the fake Slack
    Web API and the fake Teams connector, with custseg installed in ``TEAMS_CHANNEL``."""
    settings = world_settings()
    store = open_store(demo_books.sqlite_url(tmp, settings))
    brain = Brain(store, settings)
    fake = FakeSlackAPI().start()
    servers = LoopbackServers()
    connector = FakeConnector()
    connector_url = servers.serve(connector.app())
    app = build_app(
        brain, brain.settings, slack_env(fake), modules=("adapters.slack.app", "adapters.teams.app")
    )
    bot_url = servers.serve(app)
    world = Both(brain, SlackSide(bot_url, fake), connector, connector_url, bot_url)
    # custseg is installed in the Teams channel, so the outbox can post there.
    install = {
        "type": "installationUpdate",
        "action": "add",
        "id": "install-1",
        "channelId": "msteams",
        "serviceUrl": connector_url,
        "from": ADA_TEAMS,
        "recipient": BOT,
        "conversation": TEAMS_CONVERSATION,
    }
    assert post(f"{bot_url}/api/messages", install)[0] in (200, 202)
    yield world
    servers.close()
    fake.stop()
    store.dispose()


def fresh(both: Both) -> Both:
    """The world with the fakes' records cleared, for the next test."""
    both.slack.fake.reset()
    both.connector.clear()
    return both


def decisions(blocks: list[dict[str, Any]]) -> dict[int, list[str]]:
    """Suggestion id → the labels of its buttons on a Slack message."""
    found: dict[int, list[str]] = {}
    for e in buttons(blocks):
        payload = json.loads(e["value"])
        if "suggestion_id" in payload:
            found.setdefault(payload["suggestion_id"], []).append(e["text"]["text"])
    return found


def card_decisions(card: dict[str, Any]) -> dict[int, list[str]]:
    """Suggestion id → the titles of its actions on a Teams card (a Reject's ShowCard included)."""
    found: dict[int, list[str]] = {}
    for title, a in card_actions(card):
        data = (a.get("card", {}).get("actions") or [a])[0].get("data") or {}
        if "suggestion_id" in data:
            found.setdefault(data["suggestion_id"], []).append(title)
    return found


def slack_post_to(world: Both, channel: str) -> Call:
    (found,) = [c for c in world.slack.fake.calls_to("chat.postMessage") if c.args["channel"] == channel]
    return found
