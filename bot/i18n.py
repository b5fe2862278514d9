"""The language a reply is said in, and the message catalogues that say it.

The English texts live in ``bot/wording.py`` and are the catalogues' msgids; each translation is a
gettext catalogue, ``bot/locales/<lang>/LC_MESSAGES/messages.po``, whose entries are keyed by the
constant's name as msgctxt (``WELCOME``, ``SEGMENT_LABEL.champions``, ``EXAMPLES.0``,
``AGGREGATE_SENTENCE.revenue.sum``). ``scripts/i18n`` extracts ``messages.pot`` from wording.py and
updates the catalogues with Babel.

The language of the request being answered is a context variable (``speaking``); reading a
constant of ``bot.wording`` while it is set gives that language's text (see ``localise``), so the
call sites keep their shape (``wording.WELCOME``). Catalogues are read from the ``.po`` files on
first use, once per process: there is no compiled ``.mo`` that could be older than its source,
and no build step, for ~1 ms per entry of reading once.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import string
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, get_args

from babel import Locale, UnknownLocaleError
from babel.dates import format_interval, format_skeleton
from babel.messages.pofile import read_po
from babel.numbers import format_compact_decimal, format_decimal, format_percent

from config.base import Language

DEFAULT = "en"
# The languages replies can be said in (the parser reads the same ones, bot/nlu/languages/).
LANGUAGES: tuple[str, ...] = get_args(Language)
# The Babel locale each language formats numbers and dates with. Chinese answers are Simplified,
# also to a Traditional-Chinese asker (zh-TW): one catalogue, which a zh-TW reader can read.
LOCALES = {"en": "en_US", "zh": "zh_Hans_CN", "de": "de_DE", "es": "es_ES"}
LOCALE_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
# Constants of bot.wording that are vocabularies the code matches messages against, or keys it
# reads, rather than text the bot says: never translated, the same in every language.
NOT_SAID = ("SMALLTALK_WORDS", "PRODUCT_WORDS", "SIMILAR_WORDS", "ASSIGN_WORDS", "PER_CUSTOMER")

_language: contextvars.ContextVar[str | None] = contextvars.ContextVar("custseg_language", default=None)


def current() -> str:
    """The language of the reply being composed ("en" outside any request)."""
    return _language.get() or DEFAULT


def chosen() -> bool:
    """Whether the request being answered has its language already (an answer within an answer
    keeps the outer one)."""
    return _language.get() is not None


@contextmanager
def speaking(language: str | None) -> Iterator[str]:
    """Compose everything inside in ``language`` (a code of ``LANGUAGES``; anything else: English)."""
    chosen = language if language in LANGUAGES else DEFAULT
    token = _language.set(chosen)
    try:
        yield chosen
    finally:
        _language.reset(token)


def language_of(locale: str | None) -> str | None:
    """Our language for a platform's locale tag ("zh-CN", "zh_TW", "de-AT", "es-419", "en-GB"), or
    None when it names none we speak (or nothing)."""
    if not locale or not isinstance(locale, str):
        return None
    primary = locale.replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else None


def babel_locale(language: str | None = None) -> Locale:
    """The Babel locale replies in ``language`` (default: the current one) are formatted with."""
    return _locale(language or current())


@cache
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(LOCALES.get(language, LOCALES[DEFAULT]))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(LOCALES[DEFAULT])


# -- numbers, money, percentages and dates in the current language --------------------------------------
def number(value: float, places: int = 0) -> str:
    """``value`` with thousands grouping and ``places`` decimals, the current language's way."""
    language = current()
    if language == DEFAULT:
        return f"{value:,.{places}f}"
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=_locale(language))


def percent_of(fraction: float, places: int) -> str:
    """A fraction 0–1 as a percentage with ``places`` decimals ("9 %" in English and German,
    "9%" in Chinese)."""
    language = current()
    if language == DEFAULT:
        return f"{100 * fraction:.{places}f} %"
    locale = _locale(language)
    pattern = locale.percent_formats[None].pattern.split(";")[0]
    if places:
        pattern = pattern.replace("0", "0." + "0" * places, 1)
    return format_percent(fraction, format=pattern, locale=locale)


def compact_money(value: float, currency: str) -> str | None:
    """An amount compactly in a language other than English ("$1.3万", "1,3 Mio. $"); None in
    English, whose compact form ($12k) the caller writes itself."""
    language = current()
    if language == DEFAULT:
        return None
    locale = _locale(language)
    size = abs(value)
    shown = format_compact_decimal(size, locale=locale, fraction_digits=1) if size >= 1e4 else ""
    if not any(c.isalpha() for c in shown):  # no short form at this size (German thousands)
        shown = format_decimal(round(size), format="#,##0", locale=locale)
    sign = "-" if value < 0 else ""
    pattern = locale.currency_formats["standard"].pattern
    if pattern.lstrip().startswith("¤"):
        return f"{sign}{currency}{shown}"
    return f"{sign}{shown}\u00a0{currency}"


def day_text(day: dt.date, skeleton: str = "yMMMd") -> str:
    """A date in the current language from a CLDR skeleton ("yMMMd": 13 Nov 2026 / 2026年11月13日;
    "yMMM", "yMMMM", "MMMd")."""
    return format_skeleton(skeleton, day, locale=_locale(current()))


def span_text(start: dt.date, end: dt.date) -> str:
    """Two dates as one span in the current language ("2026年1月1日至11月13日")."""
    return format_interval(start, end, "yMMMd", locale=_locale(current()))


# -- the catalogue keys --------------------------------------------------------------------------------
def _key(part: object) -> str:
    if isinstance(part, tuple):
        return ".".join(str(p) for p in part)
    return str(part)


def entries(name: str, value: object) -> Iterator[tuple[str, str]]:
    """Every text of the constant ``name`` as (msgctxt, msgid): a string is itself, a dict's entries
    are ``NAME.key`` (a tuple key's parts joined by dots: ``NAME.revenue.sum``), a list's or tuple's
    ``NAME.0``, ``NAME.1``; nested containers continue the path."""
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from entries(f"{name}.{_key(key)}", item)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from entries(f"{name}.{i}", item)


def said_constants(module: types.ModuleType) -> dict[str, object]:
    """The constants of ``module`` (bot.wording) that are text the bot says, in file order."""
    names = vars(module)
    return {
        k: v
        for k, v in names.items()
        if k.isupper() and not k.startswith("_") and k not in NOT_SAID and any(entries(k, v))
    }


# -- catalogues ----------------------------------------------------------------------------------------
def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


_read_lock = threading.Lock()


@cache
def catalogue(language: str) -> dict[tuple[str, str], str]:
    """The translations of ``language`` by (msgctxt, msgid): fuzzy and empty entries left out, so
    an English text changed since it was translated is said in English until translated again.
    Empty for English and for a language without a catalogue file."""
    path = catalogue_path(language)
    if language == DEFAULT or not path.is_file():
        return {}
    with _read_lock, path.open("rb") as f:
        cat = read_po(f, locale=LOCALES.get(language))
    found: dict[tuple[str, str], str] = {}
    for message in cat:
        if not message.id or message.fuzzy or not isinstance(message.id, str):
            continue
        if isinstance(message.string, str) and message.string:
            found[(message.context or "", message.id)] = message.string
    return found


# -- texts that format numbers for their locale --------------------------------------------------------
class _LocaleFormatter(string.Formatter):
    """``str.format`` whose number fields (``{n:,}``, ``{x:.1f}``) follow the locale's separators."""

    def __init__(self, locale: Locale):
        self.locale = locale

    def format_field(self, value: Any, format_spec: str) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not format_spec:
            return super().format_field(value, format_spec)
        spec = format_spec.lstrip(",")
        grouped = format_spec.startswith(",")
        if spec in ("", "d") or (spec.startswith(".") and spec.endswith("f") and spec[1:-1].isdigit()):
            places = int(spec[1:-1]) if spec.endswith("f") else 0
            pattern = ("#,##0" if grouped else "0") + ("." + "0" * places if places else "")
            return format_decimal(value, format=pattern, locale=self.locale)
        return super().format_field(value, format_spec)


class LocalText(str):
    """A translated text: a ``str`` whose ``format`` writes numbers the locale's way (1.234 in
    German, 1234 in Spanish, 1,234 in Chinese)."""

    __slots__ = ("language",)
    language: str

    def format(self, /, *args: Any, **kwargs: Any) -> str:
        return _LocaleFormatter(_locale(self.language)).vformat(self, args, kwargs)


def _translate(name: str, value: object, language: str, table: dict[tuple[str, str], str]) -> object:
    if isinstance(value, str):
        text = LocalText(table.get((name, value), value))
        text.language = language
        return text
    if isinstance(value, dict):
        return {k: _translate(f"{name}.{_key(k)}", v, language, table) for k, v in value.items()}
    if isinstance(value, list):
        return [_translate(f"{name}.{i}", v, language, table) for i, v in enumerate(value)]
    if isinstance(value, tuple):
        return tuple(_translate(f"{name}.{i}", v, language, table) for i, v in enumerate(value))
    return value


class _Localised(types.ModuleType):
    """bot.wording's module type: an upper-case constant read while a language other than English
    is being spoken is that language's translation (built once per language and constant)."""

    def __getattribute__(self, name: str) -> Any:
        value = super().__getattribute__(name)
        language = _language.get()
        if language is None or language == DEFAULT or not name.isupper() or name in NOT_SAID:
            return value
        cache: dict[tuple[str, str], object] = super().__getattribute__("__translated__")
        found = cache.get((language, name))
        if found is None:
            found = cache[(language, name)] = _translate(name, value, language, catalogue(language))
        return found


def localise(module_name: str) -> None:
    """Make the constants of module ``module_name`` (bot.wording) read in the current language.
    ``from bot.wording import X`` would bind the English value for good, so code reads
    ``wording.X`` (tests/bot/test_languages.py checks no module imports a constant by name)."""
    module = sys.modules[module_name]
    module.__dict__["__translated__"] = {}
    module.__class__ = _Localised


# -- completeness --------------------------------------------------------------------------------------
_FIELDS = string.Formatter()


def placeholders(text: str) -> set[str]:
    """The ``{fields}`` of a text, with their format specs ("n:,"), as ``str.format`` reads them."""
    found = set()
    for _, field, spec, _ in _FIELDS.parse(text):
        if field is not None:
            found.add(f"{field}:{spec}" if spec else field)
    return found


# English grammar passed in as a placeholder ("customer{s}", "Here {are}"): a language without
# plural endings may leave it out; every other placeholder carries a value and must stay.
GRAMMAR_FIELDS = frozenset({"s", "are"})


def problems(language: str, module: types.ModuleType) -> list[str]:
    """What ``language``'s catalogue lacks for ``module``'s texts: each text without a translation,
    and each translation whose placeholders differ from its English (a missing ``{name}`` would
    drop a value from the reply; an unknown one raise), bar ``GRAMMAR_FIELDS`` left out."""
    table = catalogue(language)
    found: list[str] = []
    for name, value in said_constants(module).items():
        for context, msgid in entries(name, value):
            translated = table.get((context, msgid))
            if translated is None:
                found.append(f"{language}: {context} has no translation")
            elif placeholders(translated) != placeholders(msgid) - (
                (GRAMMAR_FIELDS - placeholders(translated)) & placeholders(msgid)
            ):
                found.append(
                    f"{language}: {context} has placeholders {sorted(placeholders(translated))}, "
                    f"the English {sorted(placeholders(msgid))}"
                )
    return found
