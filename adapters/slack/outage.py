"""A message that arrives while our database is down is answered, not dropped.

Slack's events are acknowledged before they are answered, so Slack never retries them; the
answer-once claim (``adapters.slack.dedupe``) is the first thing that needs the database. When it
cannot be made, the asker is told at once that the data is out of reach and to ask again in a
minute, instead of hearing nothing (the event stays unclaimed, so nothing is remembered about it).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable

from sqlalchemy.exc import SQLAlchemyError

from bot.reply import Reply
from bot.services.chat import unreachable
from custseg.errors import StoreError

log = logging.getLogger("custseg.slack")


async def claim_or_excuse(claim: Awaitable[bool], where: str) -> tuple[bool, Reply | None]:
    """Await the claim on a message: (answer it?, the reply to give instead of an answer).

    A claim the database cannot take gives ``(True, unreachable())``: answered with the excuse."""
    try:
        return await claim, None
    except (StoreError, SQLAlchemyError) as err:
        log.warning("cannot claim message %s, the database is unreachable (%s): asking to retry", where, err)
        return True, unreachable()
