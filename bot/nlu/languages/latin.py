"""German and Spanish → the plain English the parser reads.

Both languages put a question's words in nearly English order, so the message
is rewritten word by word: the longest phrase of the language's table first,
numbers in words as digits, and any other word kept as written (a name, a
country, a region code: the engine resolves them). A few patterns that do need
another order ("Lukas' Kunden", "los clientes de María") are rewritten first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..fuzzy import FuzzyIndex
from .numbers import format_number
from .phrases import Lexicon, Piece

# Only words this long are corrected, by one edit: shorter ones are too often another real word or a name.
TYPO_MIN_LEN = 6

WORD_RE = re.compile(
    r"\d{1,2}:\d{2}\b|\d+(?:[.,]\d+)*(?:\s?[kK]\b)?|[^\W\d_]+(?:['’][^\W\d_]+)*['’]?|[?!,;:()\"%€$&]"
)
# "Kundenwert (CLV)": an abbreviation in brackets after its term says the term again.
REPEAT_RE = re.compile(r"\b(\w[\w ]*?) \(\1\)")


CURRENCY_AFTER_RE = re.compile(
    r"(?<![\w.,])(\d+(?:[.,]\d+)?(?:\s?[kK])?)\s?(?:€|euros?|eur)(?!\w)", re.IGNORECASE
)


@dataclass
class Language:
    """One language's wording: phrase table, number words and whole-message patterns.

    Attributes
    ----------
    lexicon : Lexicon
        Phrase (lower-case words) → English piece.
    numbers : dict
        Number words → value ("zehn" → 10).
    patterns : list
        ``(regex, replacement)`` applied to the message before the words are looked up.
    verbatim_after : frozenset
        Words after which the rest of the message is a reason, kept as written ("weil …").
    """

    lexicon: Lexicon
    numbers: dict[str, int]
    patterns: list[tuple[re.Pattern[str], Any]] = field(default_factory=list)
    verbatim_after: frozenset[str] = frozenset()

    @cached_property
    def typos(self) -> FuzzyIndex:
        """The table's one-word phrases, for a word typed one letter off ("Champoins", "inactibos")."""
        singles = [k for k in self.lexicon.entries if " " not in k and len(k) >= TYPO_MIN_LEN and k.isalpha()]
        return FuzzyIndex(singles, protected=self.numbers, max_k=1)


def rewrite(text: str, language: Language) -> str:
    """Rewrite ``text`` word by word into English (see the module's docstring).

    Parameters
    ----------
    text : str
        The message as typed.
    language : Language
        The tables of the message's language.

    Returns
    -------
    str
        Plain English: "ingresos por región este año" → "revenue by region this year".
    """
    text = re.sub(r"[¿¡«»„“”‚‘]", lambda m: '"' if m.group(0) in "«»„“”" else " ", text)
    for regex, replacement in language.patterns:
        text = regex.sub(replacement, text)
    # "25000 €", "15000 euros": the English reader takes the currency in front of the amount.
    text = CURRENCY_AFTER_RE.sub(r"€\1", text)
    tokens = WORD_RE.findall(text)
    lowered = [t.lower() for t in tokens]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if lowered[i] in language.verbatim_after:
            if out and out[-1] == ",":
                out.pop()
            out.append("because")
            rest = re.split(rf"\b{re.escape(tokens[i])}\b", text, maxsplit=1)[-1]
            out.append(rest.strip(" ,.!?"))
            break
        found = language.lexicon.match_words(lowered, i)
        if found is not None:
            size, piece = found
            if piece.text:
                out.append(piece.text)
            i += size
            continue
        token = tokens[i]
        meant = language.typos.lookup(lowered[i]) if len(token) >= TYPO_MIN_LEN else None
        if meant is not None and (meant.startswith(lowered[i]) or lowered[i].startswith(meant)):
            meant = None  # another ending ("offenen" for "offene") is another word's form, not a typo
        if lowered[i] in language.numbers:
            out.append(format_number(language.numbers[lowered[i]]))
        elif meant is not None and language.lexicon.entries[meant].text:
            out.append(language.lexicon.entries[meant].text)
        elif token.endswith(("'", "’")):
            out.append(token[:-1] + "'s")  # "Lukas' Kunden": the owner's possessive
        else:
            out.append(token)
        i += 1
    english = " ".join(out)
    english = re.sub(
        r' ([?!,;:)%])|(\() |" (.*?) "', lambda m: m.group(1) or m.group(2) or f'"{m.group(3)}"', english
    )
    return REPEAT_RE.sub(r"\1", english).strip()


def piece_table(entries: dict[str, Piece]) -> Lexicon:
    """The lexicon of a phrase table (phrases are lower-cased words)."""
    return Lexicon({k.lower(): v for k, v in entries.items()})
