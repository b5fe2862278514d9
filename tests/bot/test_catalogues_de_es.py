"""The German and Spanish catalogues say every sentence of bot/wording.py, with its placeholders intact.

A message is found by its msgctxt: the constant's name (``WELCOME``), ``NAME.key`` for a dict entry
(tuple keys joined by dots, ``OTHER_READING.lifecycle.lost``; ``True``/``False``/``None`` as written),
``NAME.0`` for a list or tuple entry; the msgid is the English text as it is now, so changing a sentence
in wording.py without re-translating it fails here too.
"""

from __future__ import annotations

import gettext
import io
import re
import string

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot import i18n, wording

LANGUAGES = ("de", "es")


def wording_messages() -> dict[str, str]:
    """Every sentence, label and button of bot/wording.py by its msgctxt (bot.i18n's own reading)."""
    return {
        context: msgid
        for name, value in i18n.said_constants(wording).items()
        for context, msgid in i18n.entries(name, value)
    }


def _read(lang: str) -> Catalog:
    with open(i18n.catalogue_path(lang), "rb") as f:
        return read_po(f, locale=lang)


@pytest.fixture(scope="module", params=LANGUAGES)
def catalogue(request) -> tuple[str, Catalog]:
    return request.param, _read(request.param)


def _translations(catalog: Catalog) -> dict[str, tuple[str, str]]:
    return {m.context: (m.id, m.string) for m in catalog if m.id and m.context}


def test_the_vocabularies_left_out_are_word_lists_not_sentences():
    # A constant renamed or removed from wording.py must not leave a stale name in the skip list.
    for name in i18n.NOT_SAID:
        assert isinstance(getattr(wording, name), (tuple, dict)), name


def test_every_wording_message_has_a_translation(catalogue):
    lang, catalog = catalogue
    english = wording_messages()
    translated = _translations(catalog)
    missing = sorted(set(english) - set(translated))
    stale = sorted(set(translated) - set(english))
    changed = sorted(c for c in set(english) & set(translated) if translated[c][0] != english[c])
    empty = sorted(c for c, (_, text) in translated.items() if not text.strip())
    print(
        f"{lang}: {len(english)} wording messages, {len(translated)} entries, {len(i18n.NOT_SAID)} vocabularies skipped"
    )
    assert not missing, f"{lang}: no translation for {missing}"
    assert not stale, f"{lang}: entries for messages wording.py no longer has: {stale}"
    assert not changed, f"{lang}: the English changed since translating {changed}"
    assert not empty, f"{lang}: empty msgstr for {empty}"


def test_translations_keep_the_placeholders(catalogue):
    lang, catalog = catalogue
    wrong = {}
    for context, (english, text) in _translations(catalog).items():
        ours, theirs = i18n.placeholders(english), i18n.placeholders(text)
        if theirs != ours and not (theirs <= ours and ours - theirs <= i18n.GRAMMAR_FIELDS):
            wrong[context] = (sorted(ours), sorted(theirs))
    assert not wrong, f"{lang}: placeholders differ: {wrong}"


def test_translations_format_like_the_english(catalogue):
    # A stray or unbalanced brace would raise only when the bot says the sentence.
    lang, catalog = catalogue
    for context, (english, text) in _translations(catalog).items():
        values = {}
        for _, field, spec, _ in string.Formatter().parse(english):
            if field is not None:
                values[field] = 1234 if spec else "x"
        assert text.format(**values), (lang, context)


def test_markup_commands_and_settings_keys_stay_as_they_are(catalogue):
    # Slack's *bold* pairs, `commands`, and the [sections] of the settings file are not words to translate.
    lang, catalog = catalogue
    for context, (english, text) in _translations(catalog).items():
        assert english.count("*") == text.count("*"), (lang, context, "*bold* markers")
        assert re.findall(r"`[^`]*`", english) == re.findall(r"`[^`]*`", text), (lang, context)
        assert sorted(re.findall(r"\[[a-z_]+\]", english)) == sorted(re.findall(r"\[[a-z_]+\]", text)), (
            lang,
            context,
        )


def test_headers_name_the_language_plural_forms_and_utf8(catalogue):
    lang, catalog = catalogue
    headers = dict(catalog.mime_headers)
    assert headers["Language"] == lang
    assert headers["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert headers["Content-Type"].lower() == "text/plain; charset=utf-8"
    assert not catalog.fuzzy


def test_compiled_catalogue_answers_by_context(catalogue):
    # The round trip the bot makes: .po → .mo → gettext's pgettext, by the stdlib's own reader.
    lang, catalog = catalogue
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    translations = gettext.GNUTranslations(buffer)
    expected = {"de": "ruhend", "es": "inactivo"}[lang]
    assert translations.pgettext("STAGE_LABEL.dormant", wording.STAGE_LABEL["dormant"]) == expected
    welcome = translations.pgettext("WELCOME", wording.WELCOME)
    assert welcome != wording.WELCOME and welcome.strip()
    # A context it does not know falls back to the English, as gettext does.
    assert translations.pgettext("NO_SUCH_CONSTANT", "as written") == "as written"


def test_segment_and_stage_names_are_used_consistently(catalogue):
    # The definitions list the labels by name (without the "(segment)" tag), so a reworded label must be
    # reworded there too.
    lang, catalog = catalogue
    translated = {c: text for c, (_, text) in _translations(catalog).items()}
    segment_list = translated["DEFINITION.segment"].lower()
    for key in wording.SEGMENT_LABEL:
        label = re.sub(r"\s*\(.*\)$", "", translated[f"SEGMENT_LABEL.{key}"]).lower()
        assert label in segment_list, (lang, key, label)
    lifecycle = translated["DEFINITION.lifecycle"].lower()
    for key in wording.STAGE_LABEL:
        assert translated[f"STAGE_LABEL.{key}"].lower() in lifecycle, (lang, key)
