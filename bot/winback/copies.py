"""After a decision: every recorded copy of the suggestion's messages follows (``bot.copies``)."""

from __future__ import annotations

import datetime as dt
import logging

from bot.copies import spread
from bot.reply import Reply
from bot.winback.cards import copy_content
from config.settings import Settings
from custseg.actions import Outcome, audit_log, get, last_transition
from custseg.store.copies import Copy
from custseg.store.db import Store

log = logging.getLogger("custseg.bot.actions")


def spread_outcome(
    store: Store, settings: Settings, outcome: Outcome, pressed: Copy | None = None
) -> Reply | None:
    """After a transition that changed the state: update every recorded copy of the suggestion's
    messages (through the outbox, except ``pressed``); the pressed copy's new content, if any.

    Never raises: the transition is committed, and copies left as they were must not turn it into
    an error for whoever made it (the person pressing, or the daily sweep).
    """
    s, last = outcome.suggestion, outcome.decisive
    try:
        return spread(
            store, s.id, last.id, lambda copy, stored: copy_content(settings, s, last, copy, stored), pressed
        )
    except Exception:
        log.exception("suggestion %s is %s, but its posted copies were not all updated", s.id, s.state)
        return None


def catch_up_copies(store: Store, settings: Settings, since: dt.datetime) -> int:
    """Queue again the copy updates of every suggestion decided since ``since`` (naive UTC); how
    many suggestions were looked at.

    A decision's updates are queued just after the decision is committed, so a crash in between
    would leave its copies as they were. Each (copy, decision) is queued once whatever happens,
    so the daily sweep repeating this costs nothing but, for the message where the button was
    pressed, one update with the content it already shows.
    """
    decided = {t.suggestion_id for t in audit_log(store, since=since) if t.from_state is not None}
    for sid in sorted(decided):
        s = get(store, sid)
        if s is not None:
            spread_outcome(store, settings, Outcome(s, True, last_transition(store, sid)))
    return len(decided)
