"""The language layer: Chinese, German and Spanish messages → the parser's plain English → the contract's query.

The English parser of this branch does not read version-2 intents and slots yet, so the dev sets are
scored two ways: the query itself against the label, and, where it misses, whether the English
parser gives the same query for the English phrasing the row means (then the miss is the English
parser's, not this layer's).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.nlu import parse
from bot.nlu.languages import detect_language, to_english
from custseg.schema import INTENTS

HERE = Path(__file__).parent
DEV_SETS = {lang: HERE / f"dev_{lang}.jsonl" for lang in ("zh", "de", "es")}
# Defaults the evaluation scores alike whether written or left out (query-schema.md, "What to compute").
DEFAULT_STAT = {
    "revenue": "sum",
    "orders": "sum",
    "clv": "sum",
    "churn_probability": "mean",
    "recency_days": "mean",
    "gap_days": "mean",
}


def canonical(query: dict[str, Any]) -> dict[str, Any]:
    query = dict(query)
    if query.get("stat") is not None and query.get("stat") == DEFAULT_STAT.get(query.get("measure", "")):
        del query["stat"]
    if (
        query.get("measure") == "customers"
        and query.get("intent") in ("breakdown", "trend")
        and "stat" not in query
    ):
        del query["measure"]
    if query.get("order") == "desc":
        del query["order"]
    return query


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("text", "english"),
    [
        # The contract's examples (query-schema.md, "Languages", and the brief).
        ("各区域的收入是多少?", "revenue by region?"),
        ("过去6个月冠军客户数量的变化趋势", "trend of the number of champions over the last 6 months"),
        ("哪些客戶的消費比去年少?", "which customers spend less than last year?"),
        ("哪些高价值客户处于休眠状态?", "which high value dormant customers?"),
        ("「即將沉睡」是什麼意思?", 'what does "about to sleep" mean?'),
        ("上週有下單的客戶有哪些?", "which customers ordered last week?"),
        ("导出我的高价值客户为Excel", "export my high value customers as excel"),
        ("EMEA 的 champions 有多少?", "how many champions in EMEA?"),
        ("超過三個月沒有下單的重點客戶", "key accounts who have not ordered in 3 months"),
        ("前五名收入最高的客户", "top 5 customers by revenue"),
        ("从冠军变成有风险的客户有哪些?", "which customers went from champions to at risk?"),
        ("重要价值客户有哪些?", "which champions?"),
        ("重要挽留客户有多少?", "how many at risk?"),
        ("拒绝23,因为客户已经续约了", "reject 23 because 客户已经续约了"),
        (
            "Durchschnittlicher Umsatz pro Kunde bei den Champions",
            "average revenue per customer of champions",
        ),
        (
            "Zeig mir Kunden in Österreich, die weniger ausgeben als letztes Jahr",
            "show me customers in Österreich, who spend less than last year",
        ),
        (
            "Exportiere Lukas' Kunden mit hohem Abwanderungsrisiko als CSV",
            "export Lukas's customers with high churn risk as csv",
        ),
        ("Kunden mit mehr als zehn Bestellungen", "customers with more than 10 orders"),
        ("Welche Kunden sind seit drei Monaten inaktiv?", "which customers dormant for 3 months?"),
        (
            "Lehne 23 ab, weil der Kunde schon verlängert hat",
            "reject 23 because der Kunde schon verlängert hat",
        ),
        ("Umsatz letzte Woche", "revenue last week"),
        (
            "clientes con más de 10 pedidos que no están en EMEA",
            "customers with more than 10 orders not in EMEA",
        ),
        ("ingresos por región este año", "revenue by region this year"),
        (
            "¿Qué clientes pasaron de campeones a «en riesgo»?",
            'which customers went from champions to "at risk"?',
        ),
        ("clientes sin pedidos desde hace tres meses", "customers who have not ordered for 3 months"),
        ("ingresos de este trimestre", "revenue this quarter"),
        ("Los clientes de María en riesgo", "María's customers at risk"),
    ],
)
def test_typical_phrases_are_rewritten_into_the_contracts_english(text: str, english: str) -> None:
    assert to_english(text) == english


@pytest.mark.parametrize(
    "text",
    [
        "how many champions in EMEA?",
        "tell me about Müller GmbH",
        "customers in São Paulo with more than 10 orders",
        "tell me about 华为",
        "who are the dormant high-value customers?",
        "Acme Corp",
        "",
        "  <@U123> hi :wave:  ",
    ],
)
def test_english_passes_through_unchanged(text: str) -> None:
    assert detect_language(text) == "en"
    assert to_english(text) == text


def test_the_english_labelled_sets_are_untouched_and_still_parse_as_labelled() -> None:
    rows = load(HERE / "labelled_dev.jsonl") + load(HERE / "labelled_heldout.jsonl")
    english = [row for row in rows if detect_language(row["text"]) == "en"]
    assert len(english) >= len(rows) - 5
    assert [row["text"] for row in english if to_english(row["text"]) != row["text"]] == []
    # The few questions of other languages there are off-topic ("¿cuál es el clima hoy?"): still unknown.
    others = [row for row in rows if row not in english]
    assert [parse(row["text"]) for row in others] == [row["query"] for row in others]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("各区域的收入是多少?", "zh"),
        ("哪些客戶的消費比去年少?", "zh"),
        ("Umsatz pro Region", "de"),
        ("Welche Kunden sind inaktiv?", "de"),
        ("ingresos por región", "es"),
        ("¿Cuántos campeones hay?", "es"),
    ],
)
def test_the_language_is_detected(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_v1_questions_parse_exactly_in_every_language() -> None:
    assert parse("哪些高价值客户处于休眠状态?") == {
        "intent": "find_customers",
        "filters": {"value_tier": "high", "lifecycle": "dormant"},
    }
    assert parse("EMEA 的 champions 有多少?") == {
        "intent": "count_customers",
        "filters": {"segment": "champions", "region": "emea"},
    }
    assert parse("Schlüsselkunden mit hohem Abwanderungsrisiko") == {
        "intent": "find_customers",
        "filters": {"churn_risk": "high", "key_account": True},
    }
    assert parse("¿Por qué está Initech en riesgo?") == {"intent": "explain", "customer": "Initech"}


@pytest.mark.parametrize("lang", sorted(DEV_SETS))
def test_dev_set_is_labelled_by_the_spec(lang: str) -> None:
    rows = load(DEV_SETS[lang])
    assert len(rows) >= 40
    assert {row["query"]["intent"] for row in rows} <= set(INTENTS)
    assert all(row["english"] for row in rows)


@pytest.mark.parametrize("lang", sorted(DEV_SETS))
def test_dev_set_scored(lang: str, record_property: Any) -> None:
    rows = load(DEV_SETS[lang])
    exact = english_parser = layer = 0
    misses = []
    for row in rows:
        got = canonical(parse(row["text"]))
        if got == canonical(row["query"]):
            exact += 1
        elif (
            got == canonical(parse(row["english"]))
            if detect_language(row["english"]) == "en"
            else to_english(row["text"]) == row["english"]  # a reason kept in the user's language
        ):
            english_parser += 1  # the English phrasing parses the same: the English parser lacks it (v2)
        else:
            layer += 1
            misses.append((row["text"], to_english(row["text"]), got))
    record_property(f"{lang}_exact", f"{exact}/{len(rows)}")
    record_property(f"{lang}_english_parser_misses", english_parser)
    print(
        f"{lang}: exact {exact}/{len(rows)}, misses of the English parser {english_parser}, of the layer {layer}"
    )
    # Every row that v1's English parser can read already parses exactly; the rest wait for the v2 parser.
    assert layer == 0, misses
    assert exact >= 20


@pytest.mark.parametrize(
    ("text", "filters"),
    [
        # Before: "50 Mal" lost its "Mal" (a particle elsewhere) and became min_revenue 50.
        ("Wie viele Kunden haben mindestens 50 Mal bestellt?", {"min_orders": 50}),
        ("Kunden, die höchstens 3-mal gekauft haben", {"max_orders": 3}),
        # Before: "más de 5 veces" became min_revenue 5 with "han comprado" unsupported.
        ("¿Cuántos clientes han comprado más de 5 veces?", {"min_orders": 6}),
        ("clientes que pidieron al menos 20 veces", {"min_orders": 20}),
    ],
)
def test_a_number_of_times_ordered_is_a_number_of_orders(text: str, filters: dict[str, Any]) -> None:
    assert parse(text)["filters"] == filters


@pytest.mark.parametrize(
    ("text", "english"),
    [
        # One letter off a word of the table is a typo of it.
        ("Wieviele Champoins gibt es in EMEA?", "how many champions in EMEA?"),
        ("clientes inactibos en APAC", "customers dormant in APAC"),
        # Another ending is another form of a word, not a typo: "offenen" stays, it is no "offene" (pending).
        ("Kunden mit offenen Rechnungen", "customers with offenen Rechnungen"),
    ],
)
def test_a_typo_is_read_as_the_word_meant_but_another_ending_is_not_a_typo(text: str, english: str) -> None:
    assert to_english(text) == english


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("wie viele Champions in EMEA mit Produktkategorie Elektronik?", ["mit Produktkategorie Elektronik"]),
        (
            "¿cuántos campeones en EMEA con categoría de producto electrónica?",
            ["con categoría de producto electrónica"],
        ),
        ("EMEA有多少冠军客户，产品类别是电子产品?", ["产品类别是电子产品"]),
        (
            "how many champions in EMEA with product category electronics?",
            ["with product category electronics"],
        ),
    ],
)
def test_a_condition_the_bot_could_not_read_is_quoted_in_the_users_own_words(
    text: str, said: list[str]
) -> None:
    query = parse(text)
    assert query["filters"] == {"segment": "champions", "region": "emea"}
    assert query["unsupported"] == said


@pytest.mark.parametrize(
    ("text", "query"),
    [
        (
            "poste die Key-Account-Übersicht jeden Montag hier",
            {"intent": "subscribe", "topic": "digest", "schedule": {"day": "mon"}},
        ),
        (
            "publica el resumen de cuentas clave aquí cada lunes",
            {"intent": "subscribe", "topic": "digest", "schedule": {"day": "mon"}},
        ),
        (
            "manda el resumen de cuentas clave a este canal todos los lunes a las 9",
            {"intent": "subscribe", "topic": "digest", "schedule": {"day": "mon", "time": "09:00"}},
        ),
        (
            "publica las alertas de abandono en este canal cada día a las 8:30",
            {"intent": "subscribe", "topic": "alerts", "schedule": {"day": "daily", "time": "08:30"}},
        ),
        (
            "envíame las alertas de abandono cada viernes",
            {"intent": "subscribe", "topic": "alerts", "schedule": {"day": "fri"}},
        ),
        ("deja de enviar las alertas aquí", {"intent": "unsubscribe", "topic": "alerts"}),
    ],
)
def test_a_schedule_said_in_german_or_spanish_is_a_subscription(text: str, query: dict[str, Any]) -> None:
    """ "cada lunes" used to be dropped: the bot showed the digest once instead of scheduling it."""
    assert parse(text) == query


def test_cancelling_a_suggestion_is_not_stopping_a_subscription() -> None:
    assert parse("cancela la sugerencia 4").get("intent") != "unsubscribe"
