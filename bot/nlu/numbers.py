"""Numbers as people type them: words, digits, money and clock times.

The functions here work on single tokens or short token lists produced by
``normalize.py`` and never raise on odd input: anything unreadable yields
``None`` and the caller moves on.
"""

from __future__ import annotations

import re

from .lexicon import words

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "dozen": 12,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1_000, "grand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
# Suffixes glued to digits: "10k", "1m", "2bn" are money-sized multipliers.
MULTIPLIER_SUFFIX = {
    "k": 1_000,
    "m": 1_000_000,
    "mm": 1_000_000,
    "mn": 1_000_000,
    "bn": 1_000_000_000,
    "b": 1_000_000_000,
}
CURRENCY_WORDS = words("dollars dollar usd eur euro euros pounds pound gbp bucks quid")
# Words before "one" that make it a pronoun, not a number ("which one", "no one").
ONE_AS_PRONOUN = words("no any some every each this that which the every one")

NUMERIC_RE = re.compile(r"^([$€£¥])?(\d[\d,]*(?:\.\d+)?)([a-z]*)(\+?)$")


def to_number(value: float) -> int | float:
    """Return ``value`` as an int when it is whole, so JSON shows ``10000`` not ``10000.0``.

    Parameters
    ----------
    value : float
        Any finite number.

    Returns
    -------
    int or float
    """
    if float(value).is_integer():
        return int(value)
    return round(float(value), 2)


def parse_numeric_token(token: str) -> tuple[float, str, bool] | None:
    """Read a token that starts with a digit or currency sign.

    Parameters
    ----------
    token : str
        Lower-case token such as ``"$2,500"``, ``"10k"``, ``"2.5k"``, ``"8am"``, ``"90d"``.

    Returns
    -------
    tuple or None
        ``(value, suffix, is_money)``: the value with any multiplier applied, the
        left-over alphabetic suffix (e.g. ``"am"``, ``"days"``) and whether the
        token was clearly an amount of money. ``None`` when it is no number.
    """
    m = NUMERIC_RE.match(token)
    if not m:
        return None
    sign, digits, suffix, _plus = m.groups()
    digits = digits.rstrip(",")
    if digits.count(".") > 1:
        return None
    try:
        value = float(digits.replace(",", ""))
    except ValueError:
        return None
    is_money = bool(sign) or ("," in digits and len(digits) > 4)
    if suffix in MULTIPLIER_SUFFIX:
        value *= MULTIPLIER_SUFFIX[suffix]
        suffix, is_money = "", True
    return value, suffix, is_money


def words_to_number(words: list[str]) -> tuple[int, int] | None:
    """Read a number spelled in words at the start of ``words``.

    Parameters
    ----------
    words : list of str
        Lower-case tokens, e.g. ``["twenty", "five", "customers"]``.

    Returns
    -------
    tuple or None
        ``(value, tokens_used)``, or ``None`` when ``words`` does not start with a number word.
        ``"a dozen"``, ``"a hundred"`` and ``"one hundred and fifty"`` are understood.
    """
    total = current = 0
    used = 0
    seen = False
    i = 0
    if len(words) >= 2 and words[0] in ("a", "an") and words[1] in ("dozen", *SCALES):
        current, i, used, seen = 1, 1, 1, True
    while i < len(words):
        w = words[i]
        if w in UNITS:
            if seen and current % 100 and current % 10 != 0 and w != "dozen":
                break  # "five six" is two numbers, not 11
            current += UNITS[w] if w != "dozen" else 0
            if w == "dozen":
                current = max(current, 1) * 12
        elif w in TENS:
            if seen and current % 100:
                break
            current += TENS[w]
        elif w in SCALES and seen:
            scale = SCALES[w]
            if scale == 100:
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * scale
                current = 0
        elif w == "and" and seen and i + 1 < len(words) and (words[i + 1] in UNITS or words[i + 1] in TENS):
            i += 1
            continue
        else:
            break
        seen = True
        i += 1
        used = i
    if not seen:
        return None
    return total + current, used


def clock_time(hour: int, minute: int = 0, meridiem: str | None = None) -> str | None:
    """Format a spoken clock time as ``"HH:MM"``.

    Parameters
    ----------
    hour, minute : int
        As said by the user.
    meridiem : {"am", "pm", None}
        ``None`` when not said. A bare hour from 1 to 6 is read as afternoon
        ("post it at 5" in a work chat means 17:00, not 05:00).

    Returns
    -------
    str or None
        ``None`` for impossible times.
    """
    if not (0 <= minute < 60) or not (0 <= hour <= 24):
        return None
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    elif meridiem is None and 1 <= hour <= 6:
        hour += 12
    if hour == 24:
        hour = 0
    if meridiem and hour > 23:
        return None
    return f"{hour:02d}:{minute:02d}"
