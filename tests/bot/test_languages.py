"""Replies in the asker's language: the catalogues are complete, the language is chosen in the
documented order, and the constants of bot.wording are read in it wherever they are used."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot import i18n, wording
from bot.brain import Brain
from bot.context import Channel, ChatUser
from config import load_settings
from config.access import Person
from custseg.store import open_store
from tests.helpers.demo_book import DemoBooks

ROOT = Path(__file__).resolve().parents[2]
HERE = Channel("console:test", "console")


@pytest.mark.parametrize("language", [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT])
def test_every_text_has_a_translation_with_the_same_placeholders(language):
    assert i18n.problems(language, wording) == []


@pytest.mark.parametrize("language", [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT])
def test_the_example_questions_are_understood_in_every_language(language):
    """The welcome, help and smalltalk offer the examples as buttons that ask them: a translated
    example must read as the same query as the English one."""
    from bot.nlu import parse

    english = [parse(e) for e in wording.EXAMPLES]
    with i18n.speaking(language):
        translated = [str(e) for e in wording.EXAMPLES]
    assert [parse(e) for e in translated] == english


def test_a_missing_or_broken_translation_is_reported():
    zh = i18n.catalogue("zh")
    key = ("WELCOME", wording.WELCOME)
    saved = zh.pop(key)
    zh[("NO_SUCH_ROW", wording.NO_SUCH_ROW)], broken = (
        "没有第 {m} 行",
        zh[("NO_SUCH_ROW", wording.NO_SUCH_ROW)],
    )
    try:
        found = i18n.problems("zh", wording)
    finally:
        zh[key] = saved
        zh[("NO_SUCH_ROW", wording.NO_SUCH_ROW)] = broken
    assert "zh: WELCOME has no translation" in found
    assert any(p.startswith("zh: NO_SUCH_ROW has placeholders ['m']") for p in found)


def test_no_module_imports_a_wording_constant_by_name():
    """``from bot.wording import X`` binds the English value at import: every reader must go
    through the module (``wording.X``) to get the request's language."""
    offenders = []
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("adapters/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "bot.wording":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_constants_are_read_in_the_language_spoken_and_english_outside():
    with i18n.speaking("zh"):
        assert wording.SEGMENT_LABEL["at_risk"] == "有风险的客户"
        assert wording.PENDING_HEAD.format(n=12345, s="s", value="$1").startswith("*12,345 项挽回行动*")
        assert wording.SIMILAR_WORDS == (
            "similar",
            "lookalike",
            "look-alike",
            "look alike",
            "like our",
            "resembl",
        )
    assert wording.SEGMENT_LABEL["at_risk"] == "at risk"
    assert i18n.language_of("zh-TW") == "zh" and i18n.language_of("de-AT") == "de"
    assert i18n.language_of("fr-FR") is None and i18n.language_of(None) is None


@pytest.fixture(scope="module")
def brain(demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory) -> Brain:
    settings = load_settings(env={}).model_copy(
        update={
            "people": {
                "li": Person(name="Li", role="admin", slack_id="U_LI", language="zh"),
                "ana": Person(name="Ana", role="admin", slack_id="U_ANA"),
            }
        }
    )
    store = open_store(demo_books.sqlite_url(tmp_path_factory.mktemp("languages"), settings))
    return Brain(store, settings)


def test_a_chinese_question_is_answered_in_chinese_with_chinese_numbers_and_labels(brain: Brain):
    reply = brain.ask("EMEA 有多少冠军客户?", ChatUser("U_ANA", "slack"), HERE)
    assert reply.context.startswith("冠军客户") or "冠军客户" in reply.context, reply.context
    assert "customers" not in reply.text, reply.text


def test_the_chinese_overview_names_stages_and_tiers_in_chinese(brain: Brain):
    reply = brain.ask("客户细分概况", ChatUser("U_ANA", "slack"), HERE)
    fields = dict(reply.fields)
    stages, tiers = (
        fields[wording_in("zh", "OVERVIEW_FIELDS")["lifecycle"]],
        fields[wording_in("zh", "OVERVIEW_FIELDS")["tiers"]],
    )
    assert "活跃" in stages and "active" not in stages and "dormant" not in stages, stages
    assert "高" in tiers and "high" not in tiers, tiers


def test_the_digest_says_which_way_revenue_went_in_the_subscribers_language(brain: Brain):
    from bot.app import build

    app = build(brain.store, brain.settings)
    (message,) = app.scheduled.digest("slack", "C_SALES", "digest:trend", subscriber="U_LI")
    text = message.reply.plain_text()
    assert ("增长" in text or "下降" in text or "此前无营收" in text) and " up " not in text, text


def wording_in(language: str, name: str):
    with i18n.speaking(language):
        return getattr(wording, name)


def test_the_person_setting_overrides_the_message_and_the_platform(brain: Brain):
    reply = brain.ask("how many champions in EMEA?", ChatUser("U_LI", "slack", locale="de-DE"), HERE)
    assert "冠军客户" in reply.context, reply.context
    english = brain.ask("how many champions in EMEA?", ChatUser("U_ANA", "slack"), HERE)
    assert "champions" in english.context.lower() and "冠军" not in english.context


def test_the_platform_locale_outranks_the_message_and_the_default_comes_last(brain: Brain):
    assert brain.language(ChatUser("U_ANA", "slack", locale="zh-CN"), "how many champions?") == "zh"
    assert brain.language(ChatUser("U_ANA", "slack"), "wie viele Kunden haben wir?") == "de"
    assert brain.language(ChatUser("U_NEW", "slack"), "12") == "en"
    # A press (no words) is in the language the presser last wrote in.
    assert brain.language(ChatUser("U_ANA", "slack")) == "de"
    assert brain.language(ChatUser("U_LI", "slack", locale="es-ES"), "hola") == "zh"
    welcome = brain.welcome(ChatUser("U_LI", "slack"))
    assert welcome.text.startswith("你好") and all(b.label for b in welcome.buttons)


def test_chinese_formats_money_and_dates_its_own_way():
    from bot.interpret import date_span, money, percent

    with i18n.speaking("zh"):
        assert money(1_234_567, "$") == "$123.5万"
        assert percent(0.093) == "9%"
        assert date_span("2026-01-01", "2026-11-13") == "2026年1月1日至11月13日"
    assert money(1_234_567, "$") == "$1.2M" and percent(0.093) == "9 %"


def test_define_in_chinese_names_the_practice_class_of_the_segment(brain: Brain):
    reply = brain.ask("重要挽留客户是什么意思?", ChatUser("U_ANA", "slack"), HERE)
    assert "有风险的客户" in reply.text and "重要挽留客户" in reply.text, reply.text
    which = brain.ask("细分是什么意思?", ChatUser("U_ANA", "slack"), HERE)
    for segment, practice in (("冠军客户", "重要价值客户"), ("冬眠客户", "一般挽留客户")):
        assert f"{segment}（{practice}）" in which.text, which.text


def test_a_scheduled_digest_is_in_the_subscribers_language(brain: Brain):
    from bot.app import build

    app = build(brain.store, brain.settings)
    (message,) = app.scheduled.digest("slack", "C_SALES", "digest:1", subscriber="U_LI")
    assert message.reply.language == "zh" and "重点客户摘要" in message.reply.plain_text()
    (english,) = app.scheduled.digest("slack", "C_SALES", "digest:2", subscriber="U_ANA")
    assert english.reply.language == "en" and "Key-account digest" in english.reply.plain_text()


def test_an_unknown_language_in_the_settings_is_named(tmp_path: Path):
    from config.errors import ConfigError

    path = tmp_path / "custseg.toml"
    path.write_text(
        '[bot]\nlanguage = "fr"\n\n[people.li]\nname = "Li"\nlanguage = "klingon"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError) as raised:
        load_settings(path, env={})
    message = str(raised.value)
    assert "bot.language" in message and "people.li.language" in message, message
    path.write_text('[bot]\nlanguage = "zh"\n', encoding="utf-8")
    assert load_settings(path, env={}).bot.language == "zh"


def test_a_region_the_book_does_not_have_is_named_with_the_ones_it_has(brain: Brain):
    """ "in der Region Nord" is a region filter the engine cannot apply: it says so in German and
    offers the book's regions, instead of answering for every region."""
    reply = brain.ask(
        "wie viele ruhende Kunden gibt es in der Region Nord?", ChatUser("U_ANA", "slack"), HERE
    )
    text = reply.plain_text()
    assert "'nord'" in text and "kenne ich nicht" in text and "North America" in text, text


def test_the_north_is_the_one_region_with_north_in_its_name(brain: Brain):
    north = brain.ask("how many dormant customers are in the north?", ChatUser("U_ANA", "slack"), HERE)
    named = brain.ask("how many dormant customers are in North America?", ChatUser("U_ANA", "slack"), HERE)
    assert north.plain_text() == named.plain_text()
    assert "North America" in north.plain_text(), north.plain_text()


def test_the_engines_notes_are_said_in_the_askers_language(brain: Brain):
    """The small print's engine notes (default period, names read as, …) used to stay English."""
    for text, said, english in (
        ("Umsatz pro Monat", "kein Zeitraum angegeben", "none was given"),
        ("每月收入", "未指定期间", "none was given"),
        ("ingresos por mes", "no se indicó periodo", "none was given"),
    ):
        footer = brain.ask(text, ChatUser("U_ANA", "slack"), HERE).footer or ""
        assert said in footer and english not in footer, footer


def test_every_engine_note_has_its_wording_with_the_same_values():
    import string

    from custseg.query.notes import TEMPLATES, Note

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    assert set(wording.ENGINE_NOTES) == set(TEMPLATES)
    for key, template in TEMPLATES.items():
        assert fields(wording.ENGINE_NOTES[key]) == fields(template), key
    note = Note("read_as", slot="owner", typed="jon", found="John")
    assert note == "owner: 'jon' read as John" and note.key == "read_as"


def test_a_period_cut_at_the_as_of_day_and_a_question_not_understood_are_said_in_german(brain: Brain):
    user = ChatUser("U_ANA", "slack")
    cut = brain.ask("Umsatz in diesem Jahr im Vergleich zum letzten Jahr", user, HERE).footer or ""
    assert "Zeitraum: 1. Jan." in cut and "am Stichtag abgeschnitten" in cut and "cut at" not in cut, cut
    assert brain.ask("kannst du kochen?", user, HERE).context == "Nicht verstanden"
    assert brain.ask("was hat sich seit letzter Woche geändert?", user, HERE).context != "Nicht verstanden"


def test_a_win_back_suggestion_is_said_in_spanish_down_to_its_task_and_levels(brain: Brain):
    """The shipped playbook's task, the value tier and churn risk, and the hint how to reject were
    English in every language ("valor high", "*reject 1 because …*")."""
    reply = brain.ask("sugiere una recuperación para Kestrel Retail", ChatUser("U_ANA", "slack"), HERE)
    shown = " ".join([reply.title or "", reply.footer or "", *(v for _k, v in reply.fields)])
    assert "reactivation offer" not in shown and "oferta de reactivación" in shown, shown
    assert " high" not in shown and "medium" not in shown, shown
    assert "rechaza" in (reply.footer or "") and "reject" not in (reply.footer or ""), reply.footer
