"""Version-2 intents through the chat service on the demo book: smalltalk in kind, decide by number
or name, define with this book's thresholds, unsupported words said first, and the four figure intents end to end with
the real engine (public answers of ``shared/eval/answers_public.jsonl``)."""

from __future__ import annotations

import pytest

from bot import i18n, wording
from bot.brain import Brain
from bot.context import Channel, ChatUser
from bot.reply import Reply
from custseg.query import Query
from custseg.store import open_store
from tests.helpers.demo_book import DemoBooks

ME = ChatUser("U_MARIA", "console")  # account manager Maria: sees her own book
BOSS = ChatUser("U_BOSS", "console", email="boss@example.com")  # admin: sees everything
HERE = Channel("C_TEAM", "console", "private")


@pytest.fixture(scope="module")
def brain(demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory) -> Brain:
    from config import load_settings
    from config.access import Person

    settings = load_settings(env={}).model_copy(
        update={
            "users": {"U_MARIA": "Maria"},
            "people": {"boss": Person(name="Bo Boss", role="admin", email="boss@example.com")},
        }
    )
    store = open_store(demo_books.sqlite_url(tmp_path_factory.mktemp("v2"), settings))
    return Brain(store, settings)


def run(brain: Brain, query: dict, user: ChatUser = ME, text: str | None = None) -> Reply:
    reply = brain.run(Query.from_json(query), user, HERE, text=text)
    assert reply.context and reply.context not in ("Not understood", "Error"), reply.plain_text()
    assert wording.INTERNAL_ERROR not in reply.text
    return reply


# -- smalltalk and the conversation intents ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind", "language"),
    [
        ("hi", "greeting", "en"),
        ("Hello there!", "greeting", "en"),
        ("thanks, that helps", "thanks", "en"),
        ("danke!", "thanks", "de"),
        ("谢谢", "thanks", "zh"),
        ("ok bye", "bye", "en"),
    ],
)
def test_smalltalk_answers_in_kind_and_offers_questions(brain, text, kind, language):
    reply = run(brain, {"intent": "smalltalk"}, text=text)
    with i18n.speaking(language):  # in the message's own language
        assert reply.text == wording.SMALLTALK[kind]
    assert reply.buttons and all(b.action_id == "ask" for b in reply.buttons)
    assert not reply.customer_data


def test_smalltalk_without_the_words_still_says_what_it_can_do(brain):
    reply = run(brain, {"intent": "smalltalk"})
    assert reply.text.startswith(wording.SMALLTALK["other"]) and "• " in reply.text


def test_a_decision_by_number_is_the_cards_own_decision(brain):
    # There is no suggestion 12 on this book: the card's own lookup says so, nothing breaks.
    reply = run(brain, {"intent": "decide", "decision": "snooze", "suggestion": 12, "snooze_days": 14}, BOSS)
    assert reply.context == "Decision · #12"
    assert reply.text.startswith("There is no suggested action #12.")


def test_a_decision_by_name_with_nothing_to_decide_offers_a_suggestion(brain):
    reply = run(
        brain,
        {"intent": "decide", "decision": "reject", "customer": "Globex", "reason": "they switched supplier"},
        BOSS,
    )
    assert reply.context == "Decision · Globex"
    assert reply.text == "Globex has no suggestion to decide yet. Ask me to suggest one first."
    suggest, pending = reply.buttons
    shown = brain.act(suggest.action_id, suggest.payload, BOSS, HERE)
    assert shown.context.startswith("Win-back suggestion · Globex")
    assert brain.act(pending.action_id, pending.payload, BOSS, HERE).context.startswith("Actions awaiting")


@pytest.mark.parametrize(
    ("term", "says"),
    [
        (
            "about_to_sleep",
            [
                "about to sleep segment: not very recent and not frequent: slipping away; recency score 3 and frequency score 1–2"
            ],
        ),
        ("churn_risk", ["high at 70 % or more", "medium from 40 %"]),
        ("lifecycle", ["within 90 days", "declining (over 2× their usual gap)", "lost (over 7.5×)"]),
        ("clv", ["next 12 months", "10 % a year"]),
        ("p_alive", ["under 30 %"]),
        ("key_account", ["top 5 customers of each account manager by revenue to date"]),
        ("value_tier", ["first 50 %", "up to 80 %"]),
        ("new", ["New (stage): first order within the last 90 days", "new (segment) segment"]),
        ("high", ["value tier and a churn risk level", "first 50 %", "70 % or more"]),
    ],
)
def test_a_definition_uses_this_books_thresholds(brain, term, says):
    reply = run(brain, {"intent": "define", "term": term})
    assert reply.context.startswith("Definition · ")
    for words in says:
        assert words in reply.text


# -- words the query could not use ----------------------------------------------------------------------
def test_unsupported_words_come_first_and_the_line_says_they_were_not_applied(brain):
    reply = run(
        brain,
        {
            "intent": "count_customers",
            "filters": {"segment": "champions"},
            "unsupported": ["bought office chairs"],
        },
    )
    assert reply.text.startswith(
        "I could not apply 'bought office chairs': I have no product data (only customers, their labels "
        "and their orders' dates and amounts), so what follows is without that condition."
    )
    assert "not applied: 'bought office chairs'" in reply.context
    assert "customers (" in reply.text  # the count itself still follows


def test_a_period_said_of_a_ranked_list_is_said_to_be_unused(brain):
    # Before: "top 3 by revenue this year" listed the top 3 by revenue to date, as if by this year's.
    reply = brain.ask("top 3 customers by revenue this year", ME, HERE)
    assert reply.text.startswith(
        "I could not apply 'this year': lists are ranked by figures to date, not within a period; to keep "
        "only the customers who bought then, ask for customers who ordered this year"
    )
    assert "not applied: 'this year'" in reply.context


def test_a_query_of_only_unsupported_words_says_so_before_the_examples(brain):
    reply = brain.run(Query.from_json({"intent": "unknown", "unsupported": ["weather in Paris"]}), ME, HERE)
    assert reply.text.startswith(
        "I could not apply 'weather in Paris': your data has no column or value I could match it to."
    )
    # What it can do instead, not a "didn't catch that" that contradicts the sentence before.
    assert "I can select customers by segment" in reply.text and wording.UNKNOWN not in reply.text


# -- the figure intents end to end (need the engine's v2 intents) --------------------------------------------
def test_aggregate_revenue_of_loyal_customers_in_apac(brain):
    query = {"intent": "aggregate", "measure": "revenue", "filters": {"segment": "loyal", "region": "apac"}}
    reply = run(brain, query, BOSS)
    assert reply.context == "Revenue · Loyal · in APAC"
    assert reply.text.startswith("Loyal in APAC brought in *$13.7M* in revenue (all orders to 13 Nov 2026)")
    assert "9 % of the whole book's revenue" in reply.text


def test_aggregate_share_of_revenue_from_key_accounts(brain):
    query = {"intent": "aggregate", "measure": "revenue", "filters": {"key_account": True}, "stat": "share"}
    reply = run(brain, query, BOSS)
    assert reply.text.startswith("Key accounts make up *42 %* of the whole book's revenue")


def test_breakdown_of_revenue_by_value_tier(brain):
    reply = run(brain, {"intent": "breakdown", "measure": "revenue", "group_by": "value_tier"}, BOSS)
    assert reply.context == "Revenue by value tier"
    assert reply.table is not None
    assert [row[:2] for row in reply.table.rows] == [
        ["high", "$77.5M"],
        ["medium", "$43.9M"],
        ["low", "$27.6M"],
    ]
    assert reply.image is not None and "high $77.5M" in reply.image.alt_text


def test_trend_of_quarterly_revenue_in_2024(brain):
    query = {"intent": "trend", "measure": "revenue", "interval": "quarter", "period": {"year": 2024}}
    reply = run(brain, query, BOSS)
    assert reply.context == "Revenue per quarter · 2024"
    assert reply.table is not None
    assert reply.table.rows == [
        ["Q1 2024", "$11.0M"],
        ["Q2 2024", "$12.0M"],
        ["Q3 2024", "$12.9M"],
        ["Q4 2024", "$11.9M"],
    ]
    assert reply.image is not None


def test_movements_from_loyal_to_champions(brain):
    query = {"intent": "movements", "from": {"segment": "loyal"}, "to": {"segment": "champions"}}
    reply = run(brain, query, BOSS)
    assert reply.context == "Movements · loyal → champions"
    assert reply.text.startswith("*151 customers* moved from loyal to champions since")
    assert reply.table is not None and reply.table.rows
