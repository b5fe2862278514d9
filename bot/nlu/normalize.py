"""Turn a raw chat message into normalised tokens.

Each token keeps two faces: ``norm`` (lower case, typo-corrected, numbers as
digits, used for matching the lexicon) and ``orig`` (the user's own spelling,
used to copy customer and region names back verbatim).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from . import lexicon
from .fuzzy import FuzzyIndex
from .lexicon import words
from .numbers import (
    CURRENCY_WORDS,
    ONE_AS_PRONOUN,
    SCALES,
    TENS,
    UNITS,
    parse_numeric_token,
    to_number,
    words_to_number,
)

# Longer messages are cut: nobody asks a segmentation question in 20 KB, and
# the cap keeps parsing time bounded whatever arrives.
MAX_CHARS = 600

MENTION_RE = re.compile(r"<[@#!][^>]{0,80}>|(?<!\w)@[\w.\-]+|https?://\S+|<https?:[^>]*>|:[a-z0-9_+\-]+:")
WITH_RE = re.compile(r"\bw/", re.IGNORECASE)
NUMBER_SIGN_RE = re.compile(r"#\s*of\b|\bno\.\s*of\b", re.IGNORECASE)
TOKEN_RE = re.compile(
    r"[$€£¥]?\d[\d,]*(?:\.\d+)?(?::\d\d)?[a-z]*\+?"  # numbers, money, 8am, 5:30pm, 10k+
    r"|[^\W\d_]+(?:['’][^\W\d_]+)*"  # words, with inner apostrophes
    r"|[?!.,;:()\"]"  # punctuation that ends a name
    r"|[<>]=?|\+|&|%",
    re.UNICODE,
)
# Contractions whose "'s" is "is"/"has", not a possessive.
S_CONTRACTIONS = words("what who it that there here let how why where he she what when")
SYMBOLS = {">": "over", ">=": "over", "<": "under", "<=": "under", "+": "plus", "&": "and", "%": "percent"}
SUFFIX_WORDS = {"am": ["am"], "pm": ["pm"], "a": ["am"], "p": ["pm"]}
ORDINAL_SUFFIX = frozenset({"st", "nd", "rd", "th"})
DURATION_SUFFIX = {
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "wk": "weeks",
    "wks": "weeks",
    "weeks": "weeks",
    "mo": "months",
    "mos": "months",
    "mth": "months",
    "mths": "months",
    "months": "months",
    "y": "years",
    "yr": "years",
    "yrs": "years",
    "years": "years",
    "h": "hours",
}


@dataclass(slots=True)
class Token:
    """One normalised token.

    Attributes
    ----------
    norm : str
        Matching form: lower case, corrected, ``"25"`` for numbers, ``"¤10000"`` for money.
    orig : str
        The text as the user typed it (possessive ``'s`` removed).
    brk : bool
        Punctuation followed this token, so a name cannot continue past it.
    glue : bool
        The token was joined to the previous one by a hyphen ("Jean-Luc"), so
        a name rebuilt from ``orig`` keeps the hyphen.
    tight : bool
        The token was written against the previous one without a space ("Q2"), so text rebuilt from
        ``orig`` keeps them together.
    part : bool
        The token is a piece split from the previous one ("pm" of "3pm"), whose ``orig`` already holds
        the whole word.
    """

    norm: str
    orig: str
    brk: bool = False
    glue: bool = False
    tight: bool = False
    part: bool = False


def join_orig(tokens: list[Token]) -> str:
    """Rebuild the user's spelling of consecutive tokens, hyphens included."""
    out = ""
    for k, t in enumerate(tokens):
        if t.part and k:
            continue
        out += ("-" if t.glue else "" if t.tight else " ") + t.orig if k else t.orig
    return out


# "spending 20 % less" → "spending less by 20 %": the change reads as one phrase, its size after it.
SIZED_CHANGE_RE = re.compile(
    r"\b(spending|spend|spent|buying|ordering|ordered|bought)\s+(\d+(?:\.\d+)?)\s*(%|percent|per cent)\s+(less|more|fewer)\b",
    re.IGNORECASE,
)


def clean(text: str) -> str:
    """Strip what is not language: bot mentions, links, emoji, control characters.

    Parameters
    ----------
    text : str
        Raw message.

    Returns
    -------
    str
        Text with the noise replaced by spaces, at most ``MAX_CHARS`` long.
    """
    text = unicodedata.normalize("NFC", text[: MAX_CHARS * 4])
    text = MENTION_RE.sub(" ", text)
    text = NUMBER_SIGN_RE.sub(" number of ", text)
    text = WITH_RE.sub(" with ", text)
    text = SIZED_CHANGE_RE.sub(r"\1 \4 by \2 %", text)
    out = []
    for ch in text[: MAX_CHARS * 2]:
        cat = unicodedata.category(ch)
        if cat[0] in "LN" or ch in " '’$€£¥%?!.,;:+<>=&/\"()-":
            out.append(ch)
        else:
            out.append(" ")
    return "".join(out)[:MAX_CHARS].replace("’", "'").replace("`", "'")


def _split_word(raw: str) -> list[tuple[str, str]]:
    """Split a word into (norm, orig) pieces, handling apostrophes."""
    low = raw.lower()
    if "'" not in low:
        return [(low, raw)]
    base, _, tail = low.rpartition("'")
    if tail == "s" and base not in S_CONTRACTIONS:
        return [(base.replace("'", ""), raw[: len(base)]), ("'s", "'s")]
    return [(low.replace("'", ""), raw)]


def _split_numeric(raw: str) -> list[tuple[str, str]]:
    """Split a numeric token into normalised pieces ("8am" -> "8", "am")."""
    low = raw.lower()
    plus = low.endswith("+")
    if ":" in low:
        m = re.match(r"^(\d{1,2}):(\d\d)([a-z]*)\+?$", low)
        if m:
            out = [(f"{m.group(1)}:{m.group(2)}", raw)]
            out += [(w, w) for w in SUFFIX_WORDS.get(m.group(3), [])]
            return out
        low = low.split(":")[0]
    parsed = parse_numeric_token(low)
    if parsed is None:
        return [(low, raw)]
    value, suffix, is_money = parsed
    num = to_number(value)
    pieces = [(f"¤{num}" if is_money else str(num), raw)]
    if suffix in SUFFIX_WORDS:
        pieces += [(w, w) for w in SUFFIX_WORDS[suffix]]
    elif suffix in DURATION_SUFFIX:
        pieces.append((DURATION_SUFFIX[suffix], suffix))
    elif suffix and suffix not in ORDINAL_SUFFIX:
        pieces.append((suffix, suffix))
    if plus:
        pieces.append(("plus", "+"))
    return pieces


def tokenize(text: str, corrector: FuzzyIndex, extra_known: frozenset[str] = frozenset()) -> list[Token]:
    """Tokenise, correct typos and normalise numbers.

    Parameters
    ----------
    text : str
        Cleaned message (see :func:`clean`).
    corrector : FuzzyIndex
        Keyword vocabulary for typo correction.
    extra_known : frozenset of str
        Lower-case words that must not be corrected (names from the data).

    Returns
    -------
    list of Token
    """
    tokens: list[Token] = []
    end = -1
    for m in TOKEN_RE.finditer(text):
        raw = m.group(0)
        tight, end = m.start() == end, m.end()
        if raw[0].isdigit() and raw.endswith(",") and len(raw) > 1:
            raw = raw.rstrip(",")  # "in 2026, …": the comma ends the number, it is no thousands mark
        if raw in '?!.,;:()"':
            if tokens:
                tokens[-1].brk = True
            continue
        if raw in SYMBOLS:
            tokens.append(Token(SYMBOLS[raw], raw))
            continue
        pieces = _split_numeric(raw) if raw[0].isdigit() or raw[0] in "$€£¥" else _split_word(raw)
        # A capitalised word inside a sentence is most likely a name ("Dunder
        # Mifflin"), and names must reach the resolver exactly as typed.
        proper = bool(tokens) and raw[:1].isupper() and not raw.isupper()
        glued = m.start() > 1 and text[m.start() - 1] == "-" and text[m.start() - 2].isalnum()
        for n_piece, (norm, orig) in enumerate(pieces):
            if norm.isalpha() and norm not in extra_known and not proper:
                norm = lexicon.SHORT_TYPOS.get(norm, norm)
                if norm not in lexicon.COMMON_WORDS:
                    norm = corrector.lookup(norm) or norm
            first = n_piece == 0
            tokens.append(Token(norm, orig, glue=glued and first, tight=tight and first, part=not first))
        if raw != m.group(0):
            tokens[-1].brk = True
    return _merge_numbers(tokens)


def _merge_numbers(tokens: list[Token]) -> list[Token]:
    """Replace spelled numbers with digits and attach currency words to amounts."""
    out: list[Token] = []
    norms = [t.norm for t in tokens]
    i = 0
    while i < len(tokens):
        w = norms[i]
        starts_number = (
            w in UNITS
            or w in TENS
            or (
                w in ("a", "an")
                and i + 1 < len(norms)
                and (norms[i + 1] in SCALES or norms[i + 1] == "dozen")
            )
        )
        if w == "one" and out and out[-1].norm in ONE_AS_PRONOUN:
            starts_number = False
        if w == "one" and i + 1 < len(norms) and norms[i + 1] in ("of", "more"):
            starts_number = False
        if starts_number:
            parsed = words_to_number(norms[i : i + 8])
            if parsed:
                value, used = parsed
                orig = " ".join(t.orig for t in tokens[i : i + used])
                out.append(Token(str(value), orig, tokens[i + used - 1].brk))
                i += used
                continue
        if out and w in SCALES and out[-1].norm.lstrip("¤").replace(".", "", 1).isdigit():
            amount = float(out[-1].norm.lstrip("¤")) * SCALES[w]
            out[-1] = Token(f"¤{to_number(amount)}", out[-1].orig + " " + tokens[i].orig, tokens[i].brk)
            i += 1
            continue
        if w in CURRENCY_WORDS and out and out[-1].norm.replace(".", "", 1).isdigit():
            out[-1] = Token("¤" + out[-1].norm, out[-1].orig, tokens[i].brk)
            i += 1
            continue
        out.append(tokens[i])
        i += 1
    return out
