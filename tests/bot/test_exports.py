"""Exports, definitions and what was not applied, on the demo book: the file read back holds the
rows of the list in its order and only the asker's customers, it never goes where customer data may
not, the log says who exported what without the data; every term of the contract has a definition;
``custseg ask --json`` gives each its own answer kind, with notes for what was not applied."""

from __future__ import annotations

import csv
import io
import json
import logging
from pathlib import Path

import pytest
from openpyxl import load_workbook

from adapters.cli.main import main
from bot import wording
from bot.brain import Brain
from bot.context import Channel, ChatUser
from bot.exports import headings
from bot.reply import Reply
from config import load_settings
from config.access import Person
from config.labels import LEVELS, SEGMENTS, STAGES
from custseg import schema
from custseg.query import Query
from custseg.store import open_store
from tests.helpers.demo_book import DemoBooks

ME = ChatUser("U_MARIA", "slack")  # account manager Maria: sees her own book
BOSS = ChatUser("U_BOSS", "slack", email="boss@example.com")  # admin: sees everything
DM = Channel("D_BOSS", "slack", "dm")
# Every term the contract lets "define" name: the label values and the figures.
TERMS = (*SEGMENTS, *STAGES, *LEVELS, *schema.TERMS)


@pytest.fixture(scope="module")
def brain(demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory) -> Brain:
    settings = load_settings(env={}).model_copy(
        update={
            "users": {"U_MARIA": "Maria"},
            "people": {"boss": Person(name="Bo Boss", role="admin", email="boss@example.com")},
        }
    )
    store = open_store(demo_books.sqlite_url(tmp_path_factory.mktemp("exports"), settings))
    return Brain(store, settings)


def export(brain: Brain, query: dict, user: ChatUser = BOSS, channel: Channel = DM) -> Reply:
    return brain.run(Query.from_json({"intent": "export", **query}), user, channel)


def listed_ids(brain: Brain, query: dict, user: ChatUser = BOSS) -> list[str]:
    answer = brain.engine().find(
        Query.from_json({"intent": "find_customers", **query}),
        user_owner=brain.access.of(user).owner,
        scope=brain.access.of(user).scope,
        cap=10_000,
    )
    return [c.customer_id for c in answer.customers]


def csv_rows(reply: Reply) -> list[dict[str, str]]:
    assert reply.file is not None, reply.plain_text()
    return list(csv.DictReader(io.StringIO(reply.file.content.decode("utf-8-sig"))))


def test_a_csv_export_holds_the_whole_list_in_its_order_with_plain_headings(brain):
    query = {"filters": {"lifecycle": "dormant"}, "sort": "revenue", "format": "csv"}
    reply = export(brain, query)
    rows = csv_rows(reply)
    want = listed_ids(brain, {"filters": {"lifecycle": "dormant"}, "sort": "revenue", "limit": 10_000})
    assert [r["Customer ID"] for r in rows] == want and len(want) == 100
    assert list(rows[0]) == headings("$") and "Revenue to date ($)" in rows[0]
    revenues = [float(r["Revenue to date ($)"]) for r in rows]
    assert revenues == sorted(revenues, reverse=True)
    assert {r["Lifecycle stage"] for r in rows} == {"Dormant"}
    assert (
        reply.text == (f"Here are *100 customers* (Dormant) as a CSV file: {reply.file.filename}.")
        and reply.file.filename == "customers-dormant-2026-11-13.csv"
    )
    assert reply.answer is not None and (reply.answer["kind"], reply.answer["rows"]) == ("export", 100)


def test_a_breakdown_exports_as_its_table_with_the_figure_summed_from_the_snapshot(brain):
    reply = export(brain, {"measure": "revenue", "group_by": "value_tier", "format": "csv"})
    rows = csv_rows(reply)
    assert list(rows[0]) == ["Value tier", "Revenue ($)", "Customers (count)"]
    # Recomputed from the snapshot's rows, not through the engine's breakdown.
    frame = brain.engine().frame
    want = frame.groupby("value_tier", observed=True)["revenue"].sum()
    assert [r["Value tier"].lower() for r in rows] == ["high", "medium", "low"]
    for r in rows:
        assert float(r["Revenue ($)"]) == pytest.approx(want[r["Value tier"].lower()], abs=0.01)
    assert sum(int(r["Customers (count)"]) for r in rows) == len(frame)
    assert reply.answer is not None and (reply.answer["kind"], reply.answer["rows"]) == ("export", 3)


def test_an_xlsx_export_reads_back_with_numbers_as_numbers(brain):
    reply = export(
        brain, {"filters": {"segment": "champions", "region": "emea"}, "limit": 5, "format": "xlsx"}
    )
    assert reply.file is not None and reply.file.filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(reply.file.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == headings("$") and len(values) == 6
    want = listed_ids(brain, {"filters": {"segment": "champions", "region": "emea"}, "limit": 5})
    assert [row[0] for row in values[1:]] == want
    column = headings("$").index("Revenue to date ($)")
    assert all(isinstance(row[column], float) for row in values[1:])
    assert {row[headings("$").index("Region")] for row in values[1:]} == {"EMEA"}
    assert {row[headings("$").index("RFM segment")] for row in values[1:]} == {"Champions"}


def test_an_export_stays_inside_the_askers_scope(brain):
    rows = csv_rows(export(brain, {"format": "csv"}, ME))
    count = brain.run(Query.from_json({"intent": "count_customers", "filters": {"owner": "me"}}), ME, DM)
    assert {r["Account manager"] for r in rows} == {"Maria"}
    assert f"*{len(rows):,}* customers" in count.text
    assert len(csv_rows(export(brain, {"format": "csv"}))) == 2000  # the admin's is the whole book


@pytest.mark.parametrize(
    ("visibility", "says"),
    [("public", wording.EXPORT_ONLY_PRIVATE), ("external", wording.EXTERNAL_CHANNEL)],
)
def test_no_file_goes_where_customer_data_may_not(brain, visibility, says):
    reply = export(brain, {"format": "csv"}, BOSS, Channel("C_OPEN", "slack", visibility))
    assert reply.file is None and reply.private and reply.text == says


def test_the_log_says_who_exported_what_but_holds_no_customer_data(brain, caplog):
    with caplog.at_level(logging.INFO, logger="custseg.bot.exports"):
        rows = csv_rows(export(brain, {"filters": {"value_tier": "high"}, "format": "csv"}))
    (line,) = [r.getMessage() for r in caplog.records if r.name == "custseg.bot.exports"]
    assert "slack:U_BOSS" in line and f"{len(rows)} rows" in line and '"value_tier": "high"' in line
    assert not any(r["Customer"] in line or r["Customer ID"] in line for r in rows)


@pytest.mark.parametrize("term", TERMS)
def test_every_term_of_the_contract_has_a_definition(brain, term):
    reply = brain.run(Query.from_json({"intent": "define", "term": term}), BOSS, DM)
    assert reply.answer is not None and reply.answer["known"], term
    assert reply.text != wording.DEFINE_UNKNOWN and reply.context.startswith("Definition · ")


def test_churn_risk_explains_the_models_holdout_figures_with_this_books_numbers(brain):
    held = brain.engine().snapshot.notes["churn_model"]["holdout"]
    text = brain.run(Query.from_json({"intent": "define", "term": "churn_risk"}), BOSS, DM).text
    assert f"{100 * held['error_rate']:.0f} % ordered after all (the error rate, 1 − precision)" in text
    assert f"{100 * held['missing_ratio']:.0f} % of those who really stopped were not flagged" in text


# -- custseg ask --json ---------------------------------------------------------------------------------
@pytest.fixture
def ask_json(demo_books: DemoBooks, tmp_path: Path, monkeypatch, capsys):
    url = demo_books.sqlite_url(tmp_path)
    monkeypatch.chdir(tmp_path)

    def ask(message: str, *options: str) -> dict:
        assert main(["--database", url, "ask", "--json", *options, message]) == 0
        return json.loads(capsys.readouterr().out)

    return ask


def test_ask_json_gives_each_intent_its_answer_kind(ask_json, tmp_path):
    exported = ask_json("export my dormant customers to csv", "--as-user", "Maria")["answer"]
    assert exported["kind"] == "export" and exported["rows"] > 0
    path = Path(exported["path"])
    assert path.is_file() and path.parent == tmp_path / "var" / "exports"
    with path.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == exported["rows"] and {r["Account manager"] for r in rows} == {"Maria"}

    # Without --as-user nobody is "me": the same refusal a list gets, by its kind, and no file.
    unknown = ask_json("export my dormant customers to csv")["answer"]
    assert unknown["kind"] == "needs_identity" and "path" not in unknown

    defined = ask_json("what does hibernating mean?")["answer"]
    assert (defined["kind"], defined["term"]) == ("define", "hibernating")
    assert "recency score 2" in defined["text"]
    assert ask_json("hi there")["answer"]["kind"] in ("smalltalk", "reply")


def test_ask_json_notes_say_what_was_not_applied_and_why(ask_json):
    out = ask_json("how many champions bought office chairs?")
    assert out["answer"]["kind"] == "count"
    assert out["answer"]["notes"] == [
        "I could not apply 'bought office chairs': I have no product data (only customers, their labels "
        "and their orders' dates and amounts)."
    ]
    alone = ask_json("customers similar to our best customer")["answer"]
    assert any("similar to another one is not something I can do" in n for n in alone["notes"])


def test_the_terminal_saves_the_file_and_names_its_path(brain, tmp_path):
    from adapters.console.render import render

    reply = export(
        brain, {"filters": {"segment": "champions"}, "format": "csv"}, BOSS, Channel("console:x", "console")
    )
    shown = render(reply, file_dir=tmp_path / "exports")
    saved = tmp_path / "exports" / "customers-champions-2026-11-13.csv"
    assert f"Saved to {saved}" in shown
    assert saved.read_bytes() == reply.file.content
