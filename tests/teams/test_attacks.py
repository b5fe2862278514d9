"""Attacks on ``/api/messages`` with the app registration set, through the real HTTP endpoint.

Stand-in Bot Framework signing keys are served on loopback behind the same discovery documents
Microsoft publishes (OpenID metadata → ``jwks_uri``, ``[msteams] openid_metadata_url`` pointing at
them); the fake connector on loopback is the only other host a ``serviceUrl`` may name. Outgoing
tokens come from a stand-in for MSAL (no call leaves this machine). Each attack is sent as a
message asking for customer data and as an invoke in which manager Petra approves a suggestion:
the genuine token is accepted and answered; every forgery is refused with 401/403, nothing is
answered and nothing is decided. A genuine token for a conversation of another tenant is accepted
but gets no customer data and decides nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from microsoft_agents.authentication.msal import MsalAuth

from adapters.web.app import STATUSES, build_app
from bot import wording
from config.sections import MsTeamsSettings
from custseg.actions import audit_log, get
from custseg.store.outbox import list_messages
from tests.fakes.bot_framework import FakeBotFramework, entra_issuer
from tests.helpers.demo_book import DemoBooks
from tests.teams.cards import card_text, table_rows
from tests.teams.world import CREDENTIALS, EMEA_UPDATE, TEAMS, World, post, running_world

APP_ID = CREDENTIALS["MICROSOFT_APP_ID"]
OUR_TENANT = CREDENTIALS["MICROSOFT_APP_TENANT_ID"]
OTHER_TENANT = "22222222-2222-2222-2222-222222222222"
OTHER_APP = "00000000-0000-0000-0000-0000000000ff"
OUTGOING = "stand-in-outgoing-token"
PETRA = {"id": "29:petra", "name": "Petra Novak", "aadObjectId": "aad-petra"}
PERSONAL = {"id": "a:personal-petra", "conversationType": "personal", "tenantId": OUR_TENANT}
FOREIGN = {"id": "a:personal-petra-abroad", "conversationType": "personal", "tenantId": OTHER_TENANT}
QUESTION = "who are the dormant high-value customers?"
PRODUCTION = "https://smba.trafficmanager.net/emea/"


@dataclass
class Guarded:
    world: World
    url: str
    bf: FakeBotFramework
    suggestion: int
    card: dict[str, Any]
    card_id: str = ""  # the posted card's activity id

    def token(self, **kw: Any) -> str:
        kw.setdefault("service_url", self.world.connector_url)
        return self.bf.token(kw.pop("audience", APP_ID), kw.pop("service_url"), **kw)

    def send(self, activity: dict[str, Any], authorization: str | None) -> tuple[int, Any]:
        headers = {"Authorization": authorization} if authorization is not None else {}
        return post(f"{self.url}/api/messages", activity, headers)

    def message(self, conversation: dict[str, Any] = PERSONAL, **fields: Any) -> dict[str, Any]:
        return self.world.activity(conversation, text=QUESTION, **{"from": PETRA}, **fields)

    def approve(
        self, conversation: dict[str, Any] = PERSONAL, card_id: str | None = None, **fields: Any
    ) -> dict[str, Any]:
        (button,) = [a for a in self.card["actions"] if a["title"] == "Approve"]
        value = {"action": {"type": "Action.Execute", "verb": button["verb"], "data": button["data"]}}
        return self.world.activity(
            conversation,
            type="invoke",
            name="adaptiveCard/action",
            value=value,
            replyToId=card_id or self.card_id,
            **{"from": PETRA},
            **fields,
        )


async def _stand_in_token(
    self: Any, resource_url: str, scopes: list[str], force_refresh: bool = False
) -> str:
    return OUTGOING


@pytest.fixture(scope="module")
def guarded(demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Guarded]:
    with running_world(demo_books, tmp_path_factory.mktemp("teams_attacks"), EMEA_UPDATE) as world:
        bf = FakeBotFramework()
        bf.base_url = world.servers.serve(bf.app())
        msteams = MsTeamsSettings(openid_metadata_url=bf.metadata_url, service_hosts=["127.0.0.1"])
        settings = world.settings.model_copy(update={"msteams": msteams})
        patch = pytest.MonkeyPatch()
        patch.setattr(MsalAuth, "get_access_token", _stand_in_token)
        try:
            app = build_app(world.brain, settings, CREDENTIALS, TEAMS)
            (status,) = app[STATUSES]
            assert status.ready and "tokens required" in status.line()
            url = world.servers.serve(app)
            guarded = Guarded(world, url, bf, 0, {})
            # The genuine Bot Connector: Petra asks for a suggestion in her personal chat.
            ask = world.activity(PERSONAL, text="suggest a win-back for Umbrella", **{"from": PETRA})
            assert guarded.send(ask, f"Bearer {guarded.token()}")[0] == 202
            (reply,) = world.connector.of("reply")
            guarded.card, guarded.card_id = reply.card, str(reply.returned_id)
            (button,) = [a for a in reply.card["actions"] if a["title"] == "Approve"]
            guarded.suggestion = int(button["data"]["suggestion_id"])
            yield guarded
        finally:
            patch.undo()


@pytest.fixture
def teams(guarded: Guarded) -> Guarded:
    guarded.world.connector.clear()
    return guarded


def test_the_genuine_bot_connector_token_is_accepted_and_answered(teams):
    status, _ = teams.send(teams.message(), f"Bearer {teams.token()}")
    assert status == 202
    (reply,) = teams.world.connector.of("reply")
    assert reply.authorization == f"Bearer {OUTGOING}"
    assert "Local mode" not in card_text(reply.card) and table_rows(reply.card)


# name → (how to sign, what to change in the Activity, status, why)
Attack = Callable[[Guarded], str | None]
ATTACKS: dict[str, tuple[Attack, dict[str, Any], int, str]] = {
    "no token": (lambda g: None, {}, 401, "token is required"),
    "not a JWT": (lambda g: "Bearer not.a.jwt", {}, 401, "not a JWT"),
    "unsigned (alg none)": (
        lambda g: (
            "Bearer " + jwt.encode({"iss": "https://api.botframework.com", "aud": APP_ID}, None, "none")
        ),
        {},
        401,
        "not signed the way",
    ),
    "signed with a key the Bot Framework does not publish": (
        lambda g: f"Bearer {g.token(key='unpublished')}",
        {},
        401,
        "does not publish",
    ),
    "expired": (lambda g: f"Bearer {g.token(lifetime=-3600)}", {}, 401, "expired"),
    "Entra ID issuer, another tenant": (
        lambda g: f"Bearer {g.token(issuer=entra_issuer(OTHER_TENANT), tid=OTHER_TENANT)}",
        {},
        401,
        "not issued by the Bot Framework",
    ),
    "Entra ID issuer, our tenant, another app's audience": (
        lambda g: f"Bearer {g.token(issuer=entra_issuer(OUR_TENANT), tid=OUR_TENANT, audience=OTHER_APP)}",
        {},
        401,
        "not issued by the Bot Framework",
    ),
    "Entra ID issuer, our tenant, our app (not the Bot Connector)": (
        lambda g: f"Bearer {g.token(issuer=entra_issuer(OUR_TENANT), tid=OUR_TENANT)}",
        {},
        401,
        "not issued by the Bot Framework",
    ),
    "Bot Framework issuer, another app's audience": (
        lambda g: f"Bearer {g.token(audience=OTHER_APP)}",
        {},
        401,
        "for another app",
    ),
    "key endorsed for another channel (webchat)": (
        lambda g: f"Bearer {g.token(key='webchat')}",
        {},
        403,
        "not endorsed for this channel",
    ),
    "Bot Framework token naming another tenant": (
        lambda g: f"Bearer {g.token(tid=OTHER_TENANT)}",
        {},
        403,
        "another tenant",
    ),
    "serviceUrl the token does not endorse": (
        lambda g: f"Bearer {g.token(service_url=PRODUCTION)}",
        {},
        403,
        "not the one the token endorses",
    ),
    "endorsed serviceUrl that is no Microsoft host": (
        lambda g: f"Bearer {g.token(service_url='https://attacker.example/api/')}",
        {"serviceUrl": "https://attacker.example/api/"},
        403,
        "not a Microsoft Teams host",
    ),
}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_each_forged_token_is_refused_and_nothing_is_answered_or_decided(teams, name):
    sign, change, expected, why = ATTACKS[name]
    store = teams.world.brain.store
    before = audit_log(store, teams.suggestion)
    asked = teams.send({**teams.message(), **change}, sign(teams))
    pressed = teams.send({**teams.approve(), **change}, sign(teams))
    assert (asked[0], pressed[0]) == (expected, expected), name
    assert why in asked[1]["error"] and why in pressed[1]["error"]
    assert "value" not in (pressed[1] or {})  # no card came back in the invoke response either
    assert teams.world.connector.calls == []  # nothing answered
    assert get(store, teams.suggestion).state == "proposed"  # nothing decided
    assert audit_log(store, teams.suggestion) == before


def test_made_up_key_ids_do_not_make_custseg_fetch_the_keys_again_and_again(teams):
    fetched = teams.bf.fetches
    for _ in range(5):
        forged = jwt.encode(
            {"iss": "https://api.botframework.com"}, "x" * 32, "HS256", headers={"kid": "nope"}
        )
        assert teams.send(teams.message(), f"Bearer {forged}")[0] == 401
        assert teams.send(teams.message(), f"Bearer {teams.token(key='unpublished')}")[0] == 401
    assert teams.bf.fetches <= fetched + 1


def test_another_tenants_conversation_gets_no_data_and_decides_nothing(teams):
    token = f"Bearer {teams.token()}"
    status, _ = teams.send(teams.message(FOREIGN), token)
    assert status == 202
    (reply,) = teams.world.connector.of("reply")
    assert card_text(reply.card).startswith(wording.OTHER_TENANT[:40]) and not table_rows(reply.card)

    teams.world.connector.clear()
    status, body = teams.send(teams.approve(FOREIGN), token)
    assert status == 200
    assert wording.OTHER_TENANT[:40] in card_text(body["value"])
    assert teams.world.connector.calls == []  # the card is not rewritten for anyone
    assert get(teams.world.brain.store, teams.suggestion).state == "proposed"

    # The tenant in channelData counts too: a conversation claiming ours there but not in
    # conversation.tenantId (or the other way round) is another tenant's.
    mixed = teams.message(PERSONAL, channelData={"tenant": {"id": OTHER_TENANT}})
    teams.world.connector.clear()
    assert teams.send(mixed, token)[0] == 202
    (reply,) = teams.world.connector.of("reply")
    assert not table_rows(reply.card)


def test_without_credentials_teams_is_off_unless_local_mode_is_switched_on(teams):
    world = teams.world
    off = build_app(world.brain, world.settings.model_copy(update={"msteams": MsTeamsSettings()}), {}, TEAMS)
    (status,) = off[STATUSES]
    assert not status.ready and "local_mode" in status.line() and "MICROSOFT_APP_ID" in status.line()
    url = world.servers.serve(off)
    assert post(f"{url}/api/messages", world.activity(text="help"))[0] in (404, 405)

    # Switched on, it answers only serviceUrls on this machine, wherever the request comes from.
    local = build_app(world.brain, world.settings, {}, TEAMS)
    url = world.servers.serve(local)
    outside = world.activity(text=QUESTION, serviceUrl=PRODUCTION)
    assert post(f"{url}/api/messages", outside)[0] == 403
    assert world.connector.calls == []


def test_malformed_activities_get_400_and_forged_buttons_decide_nothing(teams, caplog):
    token = f"Bearer {teams.token()}"
    url = f"{teams.url}/api/messages"
    good = teams.message()
    for body in (
        b"{not json",
        b"[1, 2]",
        {**good, "conversation": None},
        {k: v for k, v in good.items() if k != "serviceUrl"},
        {k: v for k, v in good.items() if k != "type"},
        {**good, "text": {"nested": True}},
        {**good, "conversation": {"id": 12}},
    ):
        status, answer = post(url, body, {"Authorization": token})
        assert status == 400 and answer["error"], body
    store = teams.world.brain.store
    for data in ({"suggestion_id": 10**20}, {"suggestion_id": -4}, {"suggestion_id": "x" * 5000}):
        press = teams.approve()
        press["value"]["action"]["data"] = data
        status, answer = teams.send(press, token)
        assert status == 200 and "could not read that button" in card_text(answer["value"])
    odd = teams.approve()
    odd["value"] = "not an object"
    assert teams.send(odd, token)[0] == 200
    assert teams.world.connector.of("update") == []
    assert get(store, teams.suggestion).state == "proposed"
    assert [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []


def test_a_stale_action_submit_in_a_channel_is_answered_in_the_pressers_personal_chat(teams):
    # Older clients send Action.Submit as a message; Teams then has no answer only the presser
    # sees, so a failed press must not be posted where the whole channel reads it.
    thread = {
        "id": "19:sales@thread.tacv2;messageid=17",
        "conversationType": "channel",
        "tenantId": OUR_TENANT,
    }
    value = {"custseg_action": "show_more", "payload": {"query": "gone"}}
    press = teams.world.activity(thread, value=value, replyToId="card-list", **{"from": PETRA})
    assert teams.send(press, f"Bearer {teams.token()}")[0] == 202
    calls = teams.world.connector.calls
    assert not [
        c for c in calls if c.conversation_id.startswith("19:") and c.kind in ("reply", "post", "update")
    ]
    (told,) = [c for c in calls if c.kind == "post"]
    assert not told.conversation_id.startswith("19:") and "That list has expired" in card_text(told.card)


# Last: it decides the suggestion every attack above left undecided.
def test_the_genuine_token_decides_once_and_a_second_press_changes_nothing_for_everyone(teams):
    token = f"Bearer {teams.token()}"
    status, body = teams.send(teams.approve(), token)
    assert status == 200 and "Approved by Petra Novak" in card_text(body["value"])
    (update,) = teams.world.connector.wait_for("update")
    assert update.activity_id == teams.card_id and update.authorization == f"Bearer {OUTGOING}"
    approvals = [t for t in audit_log(teams.world.brain.store, teams.suggestion) if t.to_state == "approved"]
    assert [(t.actor, t.user_id) for t in approvals] == [("Petra Novak", "29:petra")]

    teams.world.connector.clear()
    status, body = teams.send(teams.approve(), token)
    assert status == 200 and "You already did" in card_text(body["value"])
    assert teams.world.connector.calls == []  # the shared card changed exactly once


def test_two_presses_at_once_change_the_shared_card_once(teams):
    token = f"Bearer {teams.token()}"
    ask = teams.world.activity(PERSONAL, text="suggest a win-back for Globex", **{"from": PETRA})
    assert teams.send(ask, token)[0] == 202
    (reply,) = teams.world.connector.of("reply")
    teams.card = reply.card
    (button,) = [a for a in reply.card["actions"] if a["title"] == "Approve"]
    sid = int(button["data"]["suggestion_id"])
    teams.world.connector.clear()
    results: list[tuple[int, Any]] = []
    card_id = str(reply.returned_id)
    queued = {m["id"] for m in list_messages(teams.world.brain.store)}
    presses = [
        threading.Thread(target=lambda: results.append(teams.send(teams.approve(card_id=card_id), token)))
        for _ in range(3)
    ]
    for t in presses:
        t.start()
    for t in presses:
        t.join(60)
    assert [status for status, _ in results] == [200, 200, 200]
    (update,) = teams.world.connector.wait_for("update")
    assert update.activity_id == card_id

    def new_updates() -> list[dict[str, Any]]:
        rows = list_messages(teams.world.brain.store)
        return [m for m in rows if m["id"] not in queued and m["kind"] == "update"]

    # The connector has the call before the sender records it as sent: wait for that record.
    deadline = time.monotonic() + 10
    while any(m["status"] == "sending" for m in new_updates()) and time.monotonic() < deadline:
        time.sleep(0.05)
    updates = new_updates()
    # One broadcast, for the one decision (the card's own copy is the one pressed).
    assert [(m["kind"], m["message_id"], m["status"]) for m in updates] == [("update", card_id, "sent")]
    assert sum("Approved by Petra Novak" in card_text(b["value"]) for _, b in results) == 3
    assert sum("You already did" in card_text(b["value"]) for _, b in results) == 2
    approvals = [t for t in audit_log(teams.world.brain.store, sid) if t.to_state == "approved"]
    assert len(approvals) == 1
