"""Follow-ups resolved to the whole query (bot.nlu.followups): a table of conversations, each turn
with the query the user meant, and the public conversation evaluation scored through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.nlu import parse
from bot.nlu.followups import Recent, parse_conversation, resolve

EVAL = Path(__file__).resolve().parents[3] / "shared" / "eval"
HELD_OUT = Path(__file__).with_name("heldout.jsonl")

COUNT_EMEA = {"intent": "count_customers", "filters": {"segment": "champions", "region": "emea"}}
LIST_LATAM = {"intent": "find_customers", "filters": {"value_tier": "high", "region": "latam"}}
PROFILE = {"intent": "customer_profile", "customer": "Globex"}
REVENUE_THIS_YEAR = {
    "intent": "aggregate",
    "filters": {"segment": "champions"},
    "measure": "revenue",
    "stat": "sum",
    "period": {"unit": "year", "offset": 0},
}

# (what was asked before, the follow-up, the whole query it means)
CASES = [
    (COUNT_EMEA, "and in APAC?", {**COUNT_EMEA, "filters": {"segment": "champions", "region": "apac"}}),
    (COUNT_EMEA, "¿y en APAC?", {**COUNT_EMEA, "filters": {"segment": "champions", "region": "apac"}}),
    (COUNT_EMEA, "und in APAC?", {**COUNT_EMEA, "filters": {"segment": "champions", "region": "apac"}}),
    (COUNT_EMEA, "那APAC呢?", {**COUNT_EMEA, "filters": {"segment": "champions", "region": "apac"}}),
    (COUNT_EMEA, "ok, show them to me", {**COUNT_EMEA, "intent": "find_customers"}),
    (COUNT_EMEA, "把他们列出来", {**COUNT_EMEA, "intent": "find_customers"}),
    (COUNT_EMEA, "only the top 3", {**COUNT_EMEA, "intent": "find_customers", "limit": 3}),
    (LIST_LATAM, "just the top 5 by revenue", {**LIST_LATAM, "sort": "revenue", "limit": 5}),
    # A figure of the customers just listed or counted.
    (LIST_LATAM, "how many is that?", {**LIST_LATAM, "intent": "count_customers"}),
    (
        LIST_LATAM,
        "and the total revenue?",
        {"intent": "aggregate", "filters": LIST_LATAM["filters"], "measure": "revenue", "stat": "sum"},
    ),
    (
        COUNT_EMEA,
        "what's their average CLV?",
        {"intent": "aggregate", "filters": COUNT_EMEA["filters"], "measure": "clv", "stat": "mean"},
    ),
    (
        COUNT_EMEA,
        "and the share?",
        {"intent": "aggregate", "filters": COUNT_EMEA["filters"], "measure": "customers", "stat": "share"},
    ),
    # The same figure, another statistic.
    (REVENUE_THIS_YEAR, "and the average?", {**REVENUE_THIS_YEAR, "stat": "mean"}),
    (REVENUE_THIS_YEAR, "what about the median?", {**REVENUE_THIS_YEAR, "stat": "median"}),
    (LIST_LATAM, "nur die Top 3 nach Umsatz", {**LIST_LATAM, "sort": "revenue", "limit": 3}),
    (LIST_LATAM, "sort those by risk", {**LIST_LATAM, "sort": "churn_risk"}),
    (
        LIST_LATAM,
        "only my customers",
        {**LIST_LATAM, "filters": {"value_tier": "high", "owner": "me", "region": "latam"}},
    ),
    (LIST_LATAM, "tell me about the second one", {"intent": "customer_profile", "customer_row": 2}),
    (LIST_LATAM, "why is number 4 dormant?", {"intent": "explain", "customer_row": 4}),
    (LIST_LATAM, "告诉我第三个", {"intent": "customer_profile", "customer_row": 3}),
    (LIST_LATAM, "export that to Excel", {**LIST_LATAM, "intent": "export", "format": "xlsx"}),
    (LIST_LATAM, "als CSV exportieren", {**LIST_LATAM, "intent": "export", "format": "csv"}),
    (PROFILE, "why?", {"intent": "explain", "customer": "Globex"}),
    (PROFILE, "what should I do about them?", {"intent": "propose_action", "customer": "Globex"}),
    (PROFILE, "why is it dormant?", {"intent": "explain", "customer": "Globex"}),
    (PROFILE, "warum?", {"intent": "explain", "customer": "Globex"}),
    (REVENUE_THIS_YEAR, "and last year?", {**REVENUE_THIS_YEAR, "period": {"unit": "year", "offset": -1}}),
    (REVENUE_THIS_YEAR, "und letztes Jahr?", {**REVENUE_THIS_YEAR, "period": {"unit": "year", "offset": -1}}),
    (
        {"intent": "count_customers", "filters": {"segment": "at_risk", "owner": "maria"}},
        "compare her with Lukas",
        {
            "intent": "breakdown",
            "filters": {"segment": "at_risk", "owner": ["maria", "lukas"]},
            "group_by": "owner",
            "measure": "customers",
        },
    ),
    (
        {"intent": "count_customers", "filters": {"lifecycle": "dormant", "owner": "priya"}},
        "what about Diego?",
        {"intent": "count_customers", "filters": {"lifecycle": "dormant", "owner": "diego"}},
    ),
    # "the dormant ones" after a figure narrows that figure; it does not become a list.
    (
        {"intent": "breakdown", "measure": "revenue", "stat": "sum", "group_by": "region"},
        "and the dormant ones?",
        {
            "intent": "breakdown",
            "filters": {"lifecycle": "dormant"},
            "measure": "revenue",
            "stat": "sum",
            "group_by": "region",
        },
    ),
    (
        COUNT_EMEA,
        "and the dormant ones?",
        {**COUNT_EMEA, "filters": {"segment": "champions", "lifecycle": "dormant", "region": "emea"}},
    ),
    (
        {"intent": "count_customers", "filters": {"segment": "champions"}},
        "how many of them are key accounts?",
        {"intent": "count_customers", "filters": {"segment": "champions", "key_account": True}},
    ),
    (
        {"intent": "movements", "from": {"segment": "loyal"}, "to": {"segment": "at_risk"}},
        "only my customers",
        {
            "intent": "movements",
            "filters": {"owner": "me"},
            "from": {"segment": "loyal"},
            "to": {"segment": "at_risk"},
        },
    ),
]

# Messages that stand on their own: after any question, they mean what they say alone.
STANDALONE = [
    "how many champions in EMEA?",
    "what is the total revenue?",
    "who bought this month?",
    "top 5 customers by revenue in France",
    "tell me about Acme Corp",
    "why is Initech at risk?",
    "customers that have not ordered in 90 days",
    "do we have any churn alerts this morning?",
    "export all at-risk customers to excel",
    "revenue by region",
    "hi",
]


def after(query: dict) -> Recent:
    return Recent().after(
        query, rows=[("C1", "Alpha"), ("C2", "Beta")] if query["intent"] == "find_customers" else None
    )


@pytest.mark.parametrize(("before", "text", "want"), CASES, ids=[c[1] for c in CASES])
def test_follow_up_resolves_to_the_whole_query(before, text, want):
    assert resolve(text, after(before)) == want


@pytest.mark.parametrize(
    "before", [COUNT_EMEA, LIST_LATAM, PROFILE, REVENUE_THIS_YEAR], ids=lambda q: q["intent"]
)
@pytest.mark.parametrize("text", STANDALONE)
def test_a_message_that_stands_on_its_own_starts_afresh(before, text):
    assert resolve(text, after(before)) == parse(text)


def test_without_a_conversation_a_follow_up_is_read_alone():
    assert resolve("and in APAC?") == parse("and in APAC?")
    # No list was shown: "the second one" is still a row (the answer says there is no list), but
    # a loose "last" or "first" is not.
    want = {"intent": "customer_profile", "customer_row": 2}
    assert resolve("tell me about the second one", Recent().after(COUNT_EMEA)) == want
    assert resolve("tell me about the second one") == want
    assert "customer_row" not in resolve("who ordered last", Recent().after(COUNT_EMEA))


def test_the_state_round_trips_through_json_and_junk_starts_afresh():
    recent = Recent().after(LIST_LATAM, rows=[("C7", "Sakura Apparel"), ("C9", None)])
    again = Recent.from_json(json.loads(json.dumps(recent.to_json())))
    assert again == recent and again.row(2) == ("C9", None) and again.row(3) is None
    assert Recent.from_json({"rows": "nope", "query": 3}) == Recent()
    # A row named keeps the list (and its rows) for the next "the third one".
    named = again.after({"intent": "customer_profile", "customer_row": 1})
    assert named.customer == "Sakura Apparel" and named.rows == again.rows
    # Small talk between two questions keeps the thread.
    assert named.after({"intent": "smalltalk"}) == named


def test_an_empty_line_starts_a_new_conversation():
    lines = ["how many champions in EMEA?", "and in APAC?", "", "and in APAC?"]
    out = list(parse_conversation(lines))
    assert len(out) == 3
    assert out[1]["filters"] == {"segment": "champions", "region": "apac"}
    assert out[2] == parse("and in APAC?")


@pytest.mark.parametrize(
    "labelled",
    [EVAL / "conv_public.jsonl", HELD_OUT, HELD_OUT.with_name("heldout2.jsonl")],
    ids=["public", "held-out", "held-out-2"],
)
def test_conversation_evaluation_through_the_cli(labelled, demo_books, tmp_path):
    url = demo_books.sqlite_url(tmp_path)
    root = Path(__file__).resolve().parents[2]
    cmd = f"{sys.executable} -m adapters.cli.main --database {url} parse --conversation"
    proc = subprocess.run(
        [sys.executable, str(EVAL / "conv_eval.py"), str(labelled), "--cmd", cmd, "--min", "0.9"],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        timeout=300,
    )
    last = proc.stdout.strip().splitlines()[-1]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    turns = float(last.rsplit("=", 1)[1])
    assert turns >= 0.9, proc.stdout
