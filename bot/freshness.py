"""How old the data behind an answer is, and which currency its amounts are in.

Both are said with the answer rather than assumed: a snapshot older than ``stale_after_days`` gets a
warning in the footer, and amounts take the currency of the column mapping the orders were loaded
with (``currency`` in ``config/mappings/*.toml``) unless the settings name one.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot import wording
from bot.interpret import days
from config.mappings import load_mapping
from config.settings import Settings
from custseg.errors import ConfigError
from custseg.store.db import Store
from custseg.store.models import LOAD_BATCHES


def today(settings: Settings) -> dt.date:
    """Today in the settings' time zone."""
    return dt.datetime.now(ZoneInfo(settings.timezone)).date()


def _date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def stale_note(settings: Settings, as_of: dt.date | str, on: dt.date | None = None) -> str | None:
    """The warning for data as of ``as_of`` read ``on`` a day (default today), or None while it is
    at most ``stale_after_days`` old."""
    age = ((on or today(settings)) - _date(as_of)).days
    if age <= settings.stale_after_days:
        return None
    return wording.STALE_DATA.format(as_of=_date(as_of), age=days(age))


def with_freshness(footer: str, settings: Settings, as_of: dt.date | str) -> str:
    """``footer`` with the stale-data warning appended when the data is old."""
    note = stale_note(settings, as_of)
    if note is None:
        return footer
    return f"{footer} · {note}" if footer else note


def data_currency(store: Store, settings: Settings) -> tuple[str, str | None]:
    """(currency symbol, the column mapping it comes from): the settings' ``currency`` when set
    there; else the one currency named by the mappings of the loaded order files; else the
    settings' default, with None as its source."""
    if "currency" in settings.model_fields_set or settings.source.kind != "store":
        return settings.currency, None
    with store.connect() as conn:
        names = conn.execute(select(LOAD_BATCHES.c.mapping).distinct()).scalars().all()
    found: dict[str, str] = {}
    for name in sorted(names):
        try:
            mapping = load_mapping(name)
        except ConfigError:
            continue  # a mapping file given by path when loading: its currency is not known here
        if mapping.currency:
            found.setdefault(mapping.currency, name)
    if len(found) == 1:
        currency, name = next(iter(found.items()))
        return currency, name
    return settings.currency, None
