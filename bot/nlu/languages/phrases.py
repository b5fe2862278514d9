"""Shared machinery of the language layer: phrase tables and longest-match lookup.

A phrase table maps a phrase of the user's language to a *piece*: the plain
English words the English parser reads, and the piece's *role* in the
sentence (where it goes when a Chinese sentence is put into English order;
German and Spanish keep their order and ignore the role).
"""

from __future__ import annotations

from dataclasses import dataclass

# Roles, in the order the Chinese assembler writes them.
LEAD = "lead"  # what is asked: "which", "how many", "export", "trend of"
MEASURE = "measure"  # the figure: "revenue", "the number of", "average"
FILTER = "filter"  # words before the noun: "my", "high value", "champions", "in EMEA"
NOUN = "noun"  # "customers"
COND = "cond"  # conditions after the noun: "who ordered", "with more than 10 orders"
GROUP = "group"  # "by region"
PERIOD = "period"  # "last week", "{in} the last 6 months"
TAIL = "tail"  # "as csv", "here", a schedule
SKIP = "skip"  # particles and politeness that change nothing
NAME = "name"  # words kept as written (a customer, a person, a place)

ROLES = (LEAD, MEASURE, FILTER, NOUN, COND, GROUP, PERIOD, TAIL, SKIP, NAME)


@dataclass(frozen=True, slots=True)
class Piece:
    """One translated stretch of a message.

    Attributes
    ----------
    text : str
        Plain English words ("" for a particle that is dropped).
    role : str
        One of ``ROLES``.
    """

    text: str
    role: str


def table(text: str) -> dict[str, Piece]:
    """Read a phrase table written one entry a line: ``phrase/phrase | english | role``.

    Lines starting with ``#`` and blank lines are ignored; a missing role is ``filter``.
    """
    entries: dict[str, Piece] = {}
    for line in text.strip().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        english = parts[1] if len(parts) > 1 else ""
        role = parts[2] if len(parts) > 2 and parts[2] else FILTER
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r} in phrase table line {line!r}")
        for phrase in parts[0].split("/"):
            entries[phrase.strip()] = Piece(english, role)
    return entries


class Lexicon:
    """Longest-match-first lookup over one or more phrase tables.

    Parameters
    ----------
    entries : dict
        Phrase → piece. For Chinese a phrase is a run of characters; for German
        and Spanish a run of lower-case words joined by single spaces.
    """

    def __init__(self, entries: dict[str, Piece]) -> None:
        self.entries = entries
        self.longest = max((len(k) for k in entries), default=0)
        self.longest_words = max((k.count(" ") + 1 for k in entries), default=0)

    def match_chars(self, text: str, start: int) -> tuple[int, Piece] | None:
        """The longest phrase of ``text`` starting at character ``start``: (length, piece)."""
        for size in range(min(self.longest, len(text) - start), 0, -1):
            piece = self.entries.get(text[start : start + size])
            if piece is not None:
                return size, piece
        return None

    def match_words(self, words: list[str], start: int) -> tuple[int, Piece] | None:
        """The longest phrase of ``words`` starting at word ``start``: (words used, piece)."""
        for size in range(min(self.longest_words, len(words) - start), 0, -1):
            piece = self.entries.get(" ".join(words[start : start + size]))
            if piece is not None:
                return size, piece
        return None
