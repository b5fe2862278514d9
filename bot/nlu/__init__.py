"""Natural-language understanding for custseg: chat message -> query object.

>>> parse("list my dormant VIP customers")
{'intent': 'find_customers', 'filters': {'value_tier': 'high', 'lifecycle': 'dormant', 'owner': 'me'}}

The query format is defined in ``shared/spec/query-schema.md``.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from custseg.schema import INTENTS

from .parser import named_customer, parse_message
from .vocabulary import Vocabulary

__all__ = ["INTENTS", "Vocabulary", "named_customer", "parse", "parse_stream"]

UNKNOWN: dict[str, Any] = {"intent": "unknown"}


def parse(text: str, vocabulary: Vocabulary | None = None) -> dict[str, Any]:
    """Turn one chat message into a query.

    Parameters
    ----------
    text : str
        The message as typed, including any bot mention, emoji or typos.
    vocabulary : Vocabulary, optional
        Customer, account-manager and region names from the data; lets names
        be recognised without cue words and despite typos.

    Returns
    -------
    dict
        A query following the spec; ``{"intent": "unknown"}`` for anything
        that cannot be read. Never raises.
    """
    try:
        if not isinstance(text, str):
            return dict(UNKNOWN)
        return parse_message(text, vocabulary)
    except Exception:  # the chat must always get an answer, never a stack trace
        return dict(UNKNOWN)


def parse_stream(infile: TextIO, outfile: TextIO, vocabulary: Vocabulary | None = None) -> None:
    """Parse one message per input line and write one compact JSON query per line.

    Parameters
    ----------
    infile, outfile : text streams
        Output is flushed after every line so the stream can be used interactively.
    vocabulary : Vocabulary, optional
        Passed to :func:`parse`.
    """
    for line in infile:
        try:
            # ASCII-only JSON: safe whatever encoding the consumer's pipe uses.
            out = json.dumps(parse(line.rstrip("\r\n"), vocabulary), separators=(",", ":"))
        except Exception:
            out = json.dumps(UNKNOWN)
        outfile.write(out + "\n")
        outfile.flush()
