"""Tests of the chat parser against the query contract (shared/spec/query-schema.md)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from bot.nlu import INTENTS, Vocabulary, parse, parse_stream
from bot.nlu.fuzzy import FuzzyIndex, osa_distance
from bot.nlu.numbers import clock_time, parse_numeric_token, words_to_number
from config import labels
from custseg import schema
from custseg.errors import QueryError
from custseg.query.contract import Query

# Hypothesis keeps its example cache outside the working tree (it is not in .gitignore).
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "custseg-nlu-hypothesis")

HERE = Path(__file__).parent
ROOT = Path(__file__).parents[2]
PUBLIC = Path(__file__).parents[2].parent / "shared/eval/nlu_public.jsonl"
DEV = HERE / "labelled_dev.jsonl"
HELDOUT = HERE / "labelled_heldout.jsonl"

# ------------------------------------------------------------------ schema

SEGMENTS, LEVELS, DAYS = set(labels.SEGMENTS), set(labels.LEVELS), set(schema.DAYS)


def _name(v: object) -> bool:
    return isinstance(v, str) and v == v.lower() and v.strip() == v and v != ""


FILTER_CHECKS = {
    "segment": lambda v: v in SEGMENTS,
    "value_tier": lambda v: v in LEVELS,
    "lifecycle": lambda v: v in labels.STAGES,
    "churn_risk": lambda v: v in LEVELS,
    "key_account": lambda v: isinstance(v, bool),  # v2: "other than key accounts" is false
    # Version 2: a name, or a list of names when several were said ("Maria and John").
    "owner": lambda v: all(_name(n) for n in (v if isinstance(v, list) and v else [v])),
    "region": lambda v: all(_name(n) for n in (v if isinstance(v, list) and v else [v])),
    "min_revenue": lambda v: isinstance(v, int | float) and not isinstance(v, bool) and v > 0,
    "inactive_days": lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 0,
}


V1_INTENTS = (
    "find_customers",
    "count_customers",
    "segment_overview",
    "customer_profile",
    "explain",
    "propose_action",
    "key_account_digest",
    "churn_alerts",
    "pending_actions",
    "subscribe",
    "unsubscribe",
    "help",
    "unknown",
)


def schema_errors(query: Any) -> list[str]:
    """Return what is wrong with ``query`` under the spec (empty list when valid)."""
    try:
        if Query.from_json(query).to_json() != query:
            return ["does not round-trip through Query"]
    except QueryError as exc:
        return [str(exc)]
    v1_keys = {"intent", "filters", "customer", "sort", "limit", "topic", "schedule"}
    if set(query) - v1_keys or set(query.get("filters", {})) - set(FILTER_CHECKS):
        return []  # a version-2 slot: Query.from_json checked it
    if not isinstance(query, dict):
        return ["not a dict"]
    errors = []
    if query.get("intent") not in INTENTS:
        errors.append(f"bad intent {query.get('intent')!r}")
    allowed = {"intent", "filters", "customer", "sort", "limit", "topic", "schedule"}
    errors += [f"unexpected key {k}" for k in set(query) - allowed]
    filters = query.get("filters", {})
    if "filters" in query and (not isinstance(filters, dict) or not filters):
        errors.append("filters must be a non-empty dict when present")
    for key, value in (filters if isinstance(filters, dict) else {}).items():
        check = FILTER_CHECKS.get(key)
        if check is None or not check(value):
            errors.append(f"bad filter {key}={value!r}")
    if "customer" in query and (not isinstance(query["customer"], str) or not query["customer"].strip()):
        errors.append("bad customer")
    if "sort" in query and query["sort"] not in {"clv", "revenue", "recency", "frequency", "churn_risk"}:
        errors.append("bad sort")
    if "limit" in query and (not isinstance(query["limit"], int) or query["limit"] <= 0):
        errors.append("bad limit")
    if "topic" in query and query["topic"] not in {"digest", "alerts"}:
        errors.append("bad topic")
    if "schedule" in query:
        sched = query["schedule"]
        if not isinstance(sched, dict) or not sched or set(sched) - {"day", "time"}:
            errors.append("bad schedule")
        else:
            if "day" in sched and sched["day"] not in DAYS:
                errors.append("bad day")
            if "time" in sched and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", str(sched["time"])):
                errors.append("bad time")
    return errors


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def exact_match(rows: list[dict[str, Any]]) -> tuple[float, list[str]]:
    misses = []
    for row in rows:
        got = parse(row["text"].replace("\n", " "))
        if json.dumps(got, sort_keys=True) != json.dumps(row["query"], sort_keys=True):
            misses.append(f"{row['text']!r}: want {row['query']} got {got}")
    return 1 - len(misses) / len(rows), misses


# ------------------------------------------------------------------ labelled sets


def test_public_sample_exact_match() -> None:
    if not PUBLIC.exists():
        pytest.skip(f"public evaluation sample not found at {PUBLIC} (shared folder absent)")
    score, misses = exact_match(load(PUBLIC))
    print(f"public exact match {score:.3f}")
    assert score >= 0.95, "\n".join(misses)


def test_dev_set_exact_match() -> None:
    rows = load(DEV)
    assert len(rows) >= 300
    score, misses = exact_match(rows)
    print(f"dev exact match {score:.3f} on {len(rows)}")
    assert score >= 0.95, "\n".join(misses)


def test_heldout_set_exact_match(record_property: Any) -> None:
    rows = load(HELDOUT)
    assert len(rows) >= 150
    score, misses = exact_match(rows)
    record_property("heldout_exact_match", score)
    print(f"held-out exact match {score:.3f} on {len(rows)}")
    assert score >= 0.90, "\n".join(misses)


@pytest.mark.parametrize("path", [DEV, HELDOUT], ids=["dev", "heldout"])
def test_labelled_sets_follow_the_spec_and_cover_it(path: Path) -> None:
    rows = load(path)
    for row in rows:
        assert set(row) == {"text", "query"}
        assert schema_errors(row["query"]) == [], row
    intents = {r["query"]["intent"] for r in rows}
    # These are the version-1 sets (relabelled where version 2 changed a meaning); dev_v2.jsonl covers the rest.
    assert intents >= set(V1_INTENTS)
    filters = {k for r in rows for k in r["query"].get("filters", {})}
    assert filters >= set(FILTER_CHECKS) - {"region"}
    keys = {k for r in rows for k in r["query"]}
    assert {"customer", "sort", "limit", "topic", "schedule"} <= keys


def test_dev_and_heldout_do_not_overlap() -> None:
    dev = {r["text"].lower() for r in load(DEV)}
    assert not dev & {r["text"].lower() for r in load(HELDOUT)}


# ------------------------------------------------------------------ robustness


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_parse_never_raises_and_returns_a_valid_query(text: str) -> None:
    assert schema_errors(parse(text)) == []


SALAD = (
    "show my dormant vip customers in EMEA owned by Maria top 5 10k $2,500 haven't ordered 3 months why is"
    " Acme at risk tell me about post the digest here every Monday at 9 stop churn alerts how many 's ? , -"
    " twenty five noon 5:30pm a year <@U1> @custseg 🙏 \x00 \u202e"
)
WORDS = st.sampled_from(SALAD.split(" "))


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS | st.text(max_size=8), max_size=30), st.booleans())
def test_parse_on_word_salad_is_valid(words: list[str], with_vocab: bool) -> None:
    vocab = Vocabulary(customers=["Acme Corp"], owners=["Maria"], regions=["EMEA"]) if with_vocab else None
    assert schema_errors(parse(" ".join(words), vocab)) == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\x00\x01\x02\x1b[31m",
        "a" * 20_000,
        "dormant customers " * 1200,
        "'; DROP TABLE customers; --",
        "SELECT * FROM customers WHERE 1=1",
        "¿Cuántos clientes tenemos?",
        "顧客を見せて",
        "🙂" * 5000,
        "\u202edlrow olleh",
        "9" * 5000,
        "$" * 300 + "k",
    ],
)
def test_hostile_input_gives_a_valid_query(text: str) -> None:
    query = parse(text)
    assert schema_errors(query) == []


def test_non_text_input_is_unknown() -> None:
    assert parse(None) == {"intent": "unknown"}  # type: ignore[arg-type]


def test_long_input_is_fast() -> None:
    start = time.perf_counter()
    parse("which customers are dormant and owned by Maria in EMEA? " * 400)
    assert time.perf_counter() - start < 0.05


def test_average_parse_time_under_two_ms() -> None:
    texts = [r["text"] for r in load(DEV)] + [r["text"] for r in load(HELDOUT)]
    parse("warm up")
    start = time.perf_counter()
    for text in texts:
        parse(text)
    per_message = (time.perf_counter() - start) / len(texts)
    print(f"average parse time {per_message * 1000:.3f} ms")
    assert per_message < 0.002


# ------------------------------------------------------------------ numbers, durations, times


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("five", 5),
        ("twenty five", 25),
        ("ninety", 90),
        ("one hundred and fifty", 150),
        ("a dozen", 12),
        ("two thousand", 2000),
        ("three million", 3_000_000),
    ],
)
def test_words_to_number(words: str, value: int) -> None:
    parsed = words_to_number(words.split())
    assert parsed is not None and parsed[0] == value


def test_words_to_number_stops_at_non_numbers() -> None:
    assert words_to_number(["customers"]) is None
    assert words_to_number(["five", "six"]) == (5, 1)


@pytest.mark.parametrize(
    ("token", "value", "money"),
    [
        ("10k", 10_000, True),
        ("$2,500", 2500, True),
        ("2.5k", 2500, True),
        ("1m", 1_000_000, True),
        ("€3000", 3000, True),
        ("90", 90, False),
        ("5000", 5000, False),
    ],
)
def test_numeric_tokens(token: str, value: float, money: bool) -> None:
    parsed = parse_numeric_token(token)
    assert parsed is not None and parsed[0] == value and parsed[2] is money


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("customers who spent over $10k", 10_000),
        ("who spent more than $2,500", 2500),
        ("accounts with revenue above 2.5k", 2500),
        ("clients who spent at least 1m", 1_000_000),
        ("customers spending over €3000", 3000),
        ("customers who spent over five thousand dollars", 5000),
        ("spent more than 1.5k", 1500),
    ],
)
def test_money(text: str, amount: float) -> None:
    assert parse(text)["filters"]["min_revenue"] == amount


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("customers who haven't ordered in 3 months", 90),
        ("no orders in a year", 365),
        ("inactive for six weeks", 42),
        ("haven't bought anything in 60 days", 60),
        ("quiet for a quarter", 90),
        ("no purchase in twenty one days", 21),
        ("haven't ordered in 2 years", 730),
        ("no orders for a fortnight", 14),
        ("customers with no orders in the last month", 30),
        ("hasn't ordered for 90+ days", 90),
    ],
)
def test_durations_set_inactive_days_only(text: str, days: int) -> None:
    filters = parse(text)["filters"]
    assert filters == {"inactive_days": days}


def test_duration_without_inactivity_is_the_first_order_window() -> None:
    assert parse("count new customers this quarter") == {
        "intent": "count_customers",
        "filters": {"first_order_in": {"unit": "quarter", "offset": 0}},
    }


@pytest.mark.parametrize(
    ("text", "schedule"),
    [
        ("post the digest here every Monday at 9", {"day": "mon", "time": "09:00"}),
        ("send churn alerts here daily at 8am", {"day": "daily", "time": "08:00"}),
        ("post the digest here every friday at 5:30 pm", {"day": "fri", "time": "17:30"}),
        ("send the digest here at noon on tuesdays", {"day": "tue", "time": "12:00"}),
        ("post alerts here each morning", {"day": "daily"}),
        ("post the digest here every day at 17:45", {"day": "daily", "time": "17:45"}),
        ("send the digest here mondays at half past nine", {"day": "mon", "time": "09:30"}),
        ("post the digest here on weekdays at 9", {"day": "daily", "time": "09:00"}),
        ("post the digest here at 4pm", {"time": "16:00"}),
        ("send churn alerts here every sunday at midnight", {"day": "sun", "time": "00:00"}),
    ],
)
def test_schedules(text: str, schedule: dict[str, str]) -> None:
    query = parse(text)
    assert query["intent"] == "subscribe"
    assert query["schedule"] == schedule


def test_clock_time() -> None:
    assert clock_time(9) == "09:00"
    assert clock_time(5) == "17:00"  # a bare "at 5" in a work chat is the afternoon
    assert clock_time(5, 30, "pm") == "17:30"
    assert clock_time(12, 0, "am") == "00:00"
    assert clock_time(25) is None


def test_subscribe_without_schedule_has_no_schedule_key() -> None:
    assert parse("subscribe this channel to churn alerts") == {"intent": "subscribe", "topic": "alerts"}


# ------------------------------------------------------------------ typos


@pytest.mark.parametrize(
    ("typo", "word"),
    [
        ("dormnat", "dormant"),
        ("champoins", "champions"),
        ("custmers", "customers"),
        ("hibernatng", "hibernating"),
    ],
)
def test_typos_are_corrected(typo: str, word: str) -> None:
    from bot.nlu.grammar import keyword_index

    assert keyword_index().lookup(typo) == word


@pytest.mark.parametrize("word", ["last", "list", "most", "lost", "best", "post", "new", "low", "mon", "sun"])
def test_short_words_do_not_fuzz_into_each_other(word: str) -> None:
    from bot.nlu.grammar import keyword_index

    assert keyword_index().lookup(word) in (None, word)


def test_typo_sentences() -> None:
    assert parse("hwo many dormnat custmers") == {
        "intent": "count_customers",
        "filters": {"lifecycle": "dormant"},
    }
    assert parse("champoins in apac") == {
        "intent": "find_customers",
        "filters": {"segment": "champions", "region": "apac"},
    }


def test_osa_distance() -> None:
    assert osa_distance("dormant", "dormnat") == 1
    assert osa_distance("abc", "abc") == 0
    assert osa_distance("kitten", "sitting") == 3
    assert osa_distance("a", "abcdef", limit=2) == 3


def test_fuzzy_index_ambiguity_returns_nothing() -> None:
    index = FuzzyIndex(["sheep", "sleep"])
    assert index.lookup("seep") is None  # too short to fuzz
    assert index.lookup("shleep") is None  # one edit from both


# ------------------------------------------------------------------ noise and overlaps


@pytest.mark.parametrize(
    "text",
    [
        "<@U123ABC> show champions in EMEA",
        "@custseg show champions in EMEA!!",
        "hey bot, please show champions in EMEA 🙏 thanks",
        "SHOW CHAMPIONS IN EMEA",
        "show champions in emea?",
    ],
)
def test_noise_changes_nothing(text: str) -> None:
    assert parse(text) == {"intent": "find_customers", "filters": {"segment": "champions", "region": "emea"}}


@pytest.mark.parametrize(
    ("text", "filters"),
    [
        ("at-risk customers", {"segment": "at_risk"}),
        ("customers likely to churn", {"churn_risk": "high"}),
        ("customers who might leave", {"churn_risk": "high"}),
        ("customers at risk of leaving", {"churn_risk": "high"}),
        ("new customers", {"lifecycle": "new"}),
        ("the new segment", {"segment": "new"}),
        ("lost customers", {"lifecycle": "lost"}),
        ("the lost segment", {"segment": "lost"}),
        ("lapsed customers", {"lifecycle": "dormant"}),
        ("inactive for 3 months", {"inactive_days": 90}),
        ("top customers", {"value_tier": "high"}),
    ],
)
def test_overlap_rules(text: str, filters: dict[str, Any]) -> None:
    assert parse(text)["filters"] == filters


def test_top_n_is_a_limit_not_a_tier() -> None:
    assert parse("top 5 customers") == {"intent": "find_customers", "limit": 5}
    assert parse("10 biggest customers") == {"intent": "find_customers", "sort": "revenue", "limit": 10}


def test_most_at_risk_sorts() -> None:
    assert parse("most at risk customers") == {"intent": "find_customers", "sort": "churn_risk"}


def test_at_risk_of_one_customer_is_explain() -> None:
    assert parse("why is Acme at risk?") == {"intent": "explain", "customer": "Acme"}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("tell me about Acme Corp?", "Acme Corp"),
        ("tell me about Hooli's history", "Hooli"),
        ("tell me about acme corp please", "acme corp"),
        ("profile for Hewlett-Packard", "Hewlett-Packard"),
        ('tell me about "Globex"', "Globex"),
        ("tell me about customer 12346", "12346"),
    ],
)
def test_customer_names_keep_the_users_spelling(text: str, name: str) -> None:
    assert parse(text) == {"intent": "customer_profile", "customer": name}


# ------------------------------------------------------------------ vocabulary


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary(
        customers=["Acme Corp", "Globex", "Loyal Foods Ltd"],
        owners=["Maria Lopez", "Tom", "Will"],
        regions=["EMEA", "Germany", "North America"],
    )


def test_vocabulary_without_cue_words(vocab: Vocabulary) -> None:
    assert parse("maria's dormant customers", vocab)["filters"] == {"lifecycle": "dormant", "owner": "maria"}
    assert parse("emea champions", vocab)["filters"] == {"segment": "champions", "region": "emea"}
    assert parse("champions in emea", vocab)["filters"] == {"segment": "champions", "region": "emea"}
    assert parse("dormant customers for tom", vocab)["filters"] == {"lifecycle": "dormant", "owner": "tom"}


def test_vocabulary_is_fuzzy(vocab: Vocabulary) -> None:
    assert parse("mraia's vips", vocab)["filters"] == {"value_tier": "high", "owner": "maria"}
    assert parse("customers in germnay", vocab)["filters"] == {"region": "germany"}


def test_vocabulary_customers(vocab: Vocabulary) -> None:
    assert parse("Acme Corp?", vocab) == {"intent": "customer_profile", "customer": "Acme Corp"}
    assert parse("tell me about Loyal Foods Ltd", vocab) == {
        "intent": "customer_profile",
        "customer": "Loyal Foods Ltd",
    }
    assert parse("why is acme corp at risk", vocab) == {"intent": "explain", "customer": "acme corp"}


def test_vocabulary_common_word_owner_needs_a_capital(vocab: Vocabulary) -> None:
    assert parse("who will churn", vocab) == {"intent": "find_customers", "filters": {"churn_risk": "high"}}
    assert parse("Will's accounts", vocab) == {"intent": "find_customers", "filters": {"owner": "will"}}


def test_parser_works_without_vocabulary() -> None:
    assert parse("owned by Maria")["filters"] == {"owner": "maria"}
    assert parse("in EMEA")["filters"] == {"region": "emea"}


# ------------------------------------------------------------------ stream and CLI


def test_parse_stream_writes_one_line_per_message() -> None:
    out = io.StringIO()
    parse_stream(io.StringIO("help\n\nshow champions in EMEA\r\n\x00\x07\n"), out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 4
    assert json.loads(lines[0]) == {"intent": "help"}
    assert json.loads(lines[1]) == {"intent": "unknown"}
    assert json.loads(lines[2])["filters"] == {"segment": "champions", "region": "emea"}
    assert all(" " not in line for line in lines)  # compact JSON


def test_cli_module() -> None:
    messages = [
        "help",
        "top 5 customers by lifetime value",
        "x" * 20_000,
        "\x1b[2J",
        "why is Globex at risk?",
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "bot.nlu"],
        input="\n".join(messages) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == len(messages)
    assert json.loads(lines[1]) == {"intent": "find_customers", "sort": "clv", "limit": 5}
    assert json.loads(lines[4]) == {"intent": "explain", "customer": "Globex"}


def test_import_is_quick() -> None:
    code = (
        "import time; t=time.perf_counter(); import bot.nlu as n; n.parse('hi'); print(time.perf_counter()-t)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert float(proc.stdout) < 0.5


def test_cli_survives_undecodable_bytes() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot.nlu"],
        input=b"help\n\xff\xfe\xc3 broken\ntell me about Zo\xc3\xab Ltd\n",
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.decode("ascii").splitlines()]
    assert lines == [
        {"intent": "help"},
        {"intent": "unknown"},
        {"intent": "customer_profile", "customer": "Zoë Ltd"},
    ]
