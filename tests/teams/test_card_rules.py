"""Teams' rules hold on the cards with the most buttons and lines: the churn alert (8 customers),
the pending list and the digest with suggestions, the welcome and help. Teams hides actions beyond
6 per card or ActionSet, cuts titles beyond 30 characters, joins lines one ``\\n`` separates and
rejects messages over 28 KB; every decision stays on the card, under the customer it names."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.teams.render import card
from bot.brain import Brain
from bot.context import Channel
from custseg.actions import list_suggestions
from custseg.store import Store, open_store
from tests.helpers.actions import ADA, team_settings
from tests.helpers.demo_book import DemoBooks
from tests.teams.cards import card_actions, row_customer, rule_breaks

TEAMS_CHANNEL = Channel("19:winback@thread.tacv2", "teams", "private")
QUESTIONS = [
    "any churn alerts?",
    "what actions are waiting for approval?",
    "show this week's key account digest",
    "hello",
    "help",
]


@pytest.fixture(scope="module")
def store(demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    opened = open_store(demo_books.sqlite_url(tmp_path_factory.mktemp("rules")))
    yield opened
    opened.dispose()


@pytest.fixture(scope="module")
def cards(store: Store) -> dict[str, tuple[object, dict]]:
    """Each question's reply and its card, asked once the alert has stored its suggestions."""
    brain = Brain(store, team_settings())
    brain.ask(QUESTIONS[0], ADA, TEAMS_CHANNEL)
    replies = {q: brain.ask(q, ADA, TEAMS_CHANNEL) for q in QUESTIONS}
    return {q: (r, card(r)) for q, r in replies.items()}


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_card_keeps_teams_rules(cards, question):
    _, built = cards[question]
    assert rule_breaks(built) == []


@pytest.mark.parametrize("question", QUESTIONS[:3])
def test_every_button_of_the_reply_is_on_the_card_as_its_label_reads(cards, question):
    reply, built = cards[question]
    # (the table's page toggles are buttons of the card's own, not the reply's)
    shown = [(title, a) for title, a in card_actions(built) if a["type"] != "Action.ToggleVisibility"]
    assert sorted(title for title, _ in shown) == sorted(b.label for b in reply.buttons)
    pressed = {title: a.get("verb") or a["card"]["actions"][0]["verb"] for title, a in shown}
    assert pressed == {b.label: b.action_id for b in reply.buttons}


def _data(a: dict) -> dict:
    """What pressing ``a`` sends (a Reject's reason card submits through its own Action.Execute)."""
    return a["data"] if "data" in a else a["card"]["actions"][0]["data"]


def test_the_alert_puts_each_customers_decisions_under_their_name(cards, store):
    reply, built = cards["any churn alerts?"]
    rows = [e for e in built["body"] if e["type"] == "Container" and e["items"][-1]["type"] == "ActionSet"]
    labels = {s.id: s.label for s in list_suggestions(store)}
    alerted = {b.payload["suggestion_id"] for b in reply.buttons if "suggestion_id" in b.payload}
    assert len(rows) == len(alerted) == 8
    for row in rows:
        name, decisions = row["items"]
        assert [a["title"] for a in decisions["actions"]] == ["Approve", "Reject", "Snooze 7 days"]
        assert {labels[_data(a)["suggestion_id"]] for a in decisions["actions"]} == {
            row_customer(name["text"])
        }
        assert "lifetime value" in name["text"]  # the customer's own line of the alert
    assert len(built.get("actions", [])) <= 6
