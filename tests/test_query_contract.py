"""The typed query contract: built only by validating the contract's JSON, and written back as the
same JSON, so `custseg parse` and `custseg ask --json` print what they always printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.nlu import parse
from custseg.errors import QueryError
from custseg.query import (
    AppliedFilters,
    Filters,
    NeedsIdentity,
    NoMatch,
    NotFound,
    Query,
)

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "nlu_public.jsonl"
MESSAGES = [
    "who are the dormant high-value customers?",
    "list my dormant VIP customers",
    "top 5 customers by lifetime value in EMEA",
    "how many champions do we have owned by Maria?",
    "customers who spent over $10k and haven't ordered in 3 months",
    "key accounts at risk",
    "why is Acme at risk?",
    "tell me about Globex",
    "post the key account digest here every Monday at 9",
    "stop sending churn alerts here",
    "give me the segment breakdown",
    "help",
    "what's the weather",
]


def _examples() -> list[str]:
    if not EVAL.exists():
        return MESSAGES
    return MESSAGES + [json.loads(line)["text"] for line in EVAL.read_text().splitlines() if line.strip()]


@pytest.mark.parametrize("text", _examples())
def test_a_parsed_query_is_written_back_byte_for_byte(text: str) -> None:
    parsed = parse(text)
    query = Query.from_json(parsed)
    assert json.dumps(query.to_json()) == json.dumps(parsed)
    # Written back and read again, it is the same query.
    assert Query.from_json(query.to_json()) == query


def test_slots_keep_the_order_given_and_empty_filters_stay() -> None:
    given = {"limit": 3, "intent": "find_customers", "filters": {"region": "emea", "segment": "champions"}}
    assert list(Query.from_json(given).to_json()) == ["limit", "intent", "filters"]
    assert list(Query.from_json(given).filters.to_json()) == ["region", "segment"]
    assert Query.from_json({"intent": "find_customers", "filters": {}}).to_json() == {
        "intent": "find_customers",
        "filters": {},
    }
    assert Query.from_json({"intent": "find_customers"}).to_json() == {"intent": "find_customers"}


def test_numbers_are_normalised_and_names_trimmed() -> None:
    query = Query.from_json(
        {
            "intent": "find_customers",
            "filters": {"owner": "  maria ", "min_revenue": "500", "inactive_days": 90.7},
            "limit": 0,
        }
    )
    assert query.filters == Filters(owner="maria", min_revenue=500.0, inactive_days=90)
    assert query.limit == 1
    # A whole amount stays whole, as the parser wrote it.
    assert Query.from_json({"intent": "count_customers", "filters": {"min_revenue": 10000}}).to_json() == {
        "intent": "count_customers",
        "filters": {"min_revenue": 10000},
    }


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ([], "A query must be a set of named slots."),
        ({"intent": "dance"}, "Unknown intent 'dance'."),
        ({"intent": "find_customers", "filters": []}, "'filters' must be a set of named filters."),
        (
            {"intent": "find_customers", "filters": {"segment": "heroes"}},
            "'heroes' is not a segment; use one of champions,",
        ),
        (
            {"intent": "find_customers", "filters": {"key_account": "yes"}},
            "'key_account' must be true or false.",
        ),
        ({"intent": "find_customers", "filters": {"owner": " "}}, "'owner' must be a name."),
        ({"intent": "find_customers", "filters": {"colour": "red"}}, "Unknown filter 'colour'."),
        (
            {"intent": "find_customers", "filters": {"min_revenue": -5}},
            "'-5' is not a valid min revenue: give a number of 0 or more.",
        ),
        ({"intent": "find_customers", "sort": "size"}, "Cannot sort by 'size'; use one of"),
        ({"intent": "find_customers", "limit": True}, "'True' is not a valid limit"),
        ({"intent": "explain", "customer": 12}, "'customer' must be a name."),
        ({"intent": "subscribe", "topic": "news"}, "'topic' must be one of"),
        (
            {"intent": "subscribe", "schedule": {"day": "mon", "hour": 9}},
            "'schedule' takes a day and a time.",
        ),
        ({"intent": "subscribe", "schedule": {"day": "someday"}}, "'day' must be one of"),
        ({"intent": "subscribe", "schedule": {"time": "25:00"}}, "'time' must be HH:MM on a 24-hour clock."),
    ],
)
def test_a_malformed_query_is_refused_naming_the_slot(query: object, message: str) -> None:
    with pytest.raises(QueryError) as err:
        Query.from_json(query)
    assert str(err.value).startswith(message)


def test_replacing_a_filter_keeps_its_place_and_none_removes_it() -> None:
    filters = Filters.from_json({"lifecycle": "lost", "owner": "me", "region": "emea"})
    assert list(filters.replace(owner="maria").to_json().items()) == [
        ("lifecycle", "lost"),
        ("owner", "maria"),
        ("region", "emea"),
    ]
    swapped = filters.replace(lifecycle=None).replace(segment="lost")
    assert swapped.to_json() == {"owner": "me", "region": "emea", "segment": "lost"}
    assert "lifecycle" not in swapped and "segment" in swapped


def test_answers_write_the_kind_and_fields_the_contract_names() -> None:
    applied = AppliedFilters.of({"owner": "me", "owner_name": "Maria"})
    assert applied.as_filters().to_json() == {"owner": "me"}
    assert NeedsIdentity(applied).to_json() == {"kind": "needs_identity", "filters": applied.to_json()}
    assert NoMatch("region", "emae", ["EMEA"]).to_json() == {
        "kind": "no_match",
        "slot": "region",
        "typed": "emae",
        "candidates": ["EMEA"],
    }
    assert NoMatch("owner", "x", [], scoped=True).to_json()["scoped"] is True
    assert NotFound("Globx").to_json() == {"kind": "not_found", "typed": "Globx", "candidates": []}
