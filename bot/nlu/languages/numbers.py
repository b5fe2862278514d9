"""Numbers written in words: Chinese numerals, German and Spanish number words."""

from __future__ import annotations

import re

ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
ZH_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
# A Chinese number: Arabic digits (with a decimal part) or numerals, optionally scaled by 万/亿.
ZH_NUMBER = r"(?:\d+(?:\.\d+)?|[零〇一二两兩三四五六七八九十百千]+)[万萬亿億]?|[万萬]"
ZH_NUMBER_RE = re.compile(ZH_NUMBER)


def zh_number(text: str) -> float | None:
    """Value of a Chinese number ("十二" → 12, "两万" → 20000, "1.5万" → 15000, "6" → 6).

    Returns ``None`` when ``text`` is not a number.
    """
    if not text:
        return None
    scale = 1
    if text[-1] in ZH_BIG:
        scale = ZH_BIG[text[-1]]
        text = text[:-1] or "一"
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text) * scale
    total = section = 0
    digit: int | None = None
    for ch in text:
        if ch in ZH_DIGITS:
            digit = ZH_DIGITS[ch]
        elif ch in ZH_UNITS:
            section += (1 if digit is None else digit) * ZH_UNITS[ch]
            digit = None
        else:
            return None
    total += section + (digit or 0)
    return float(total * scale)


def format_number(value: float) -> str:
    """Digits for the English parser: ``12`` rather than ``12.0``."""
    return str(int(value)) if value == int(value) else str(value)


DE_NUMBERS = {
    "null": 0,
    "ein": 1,
    "eine": 1,
    "einen": 1,
    "einem": 1,
    "einer": 1,
    "eins": 1,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "fünf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
    "zehn": 10,
    "elf": 11,
    "zwölf": 12,
    "dreizehn": 13,
    "vierzehn": 14,
    "fünfzehn": 15,
    "sechzehn": 16,
    "siebzehn": 17,
    "achtzehn": 18,
    "neunzehn": 19,
    "zwanzig": 20,
    "dreißig": 30,
    "vierzig": 40,
    "fünfzig": 50,
    "sechzig": 60,
    "siebzig": 70,
    "achtzig": 80,
    "neunzig": 90,
    "hundert": 100,
    "tausend": 1000,
}
ES_NUMBERS = {
    "cero": 0,
    "un": 1,
    "uno": 1,
    "una": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
    "once": 11,
    "doce": 12,
    "trece": 13,
    "catorce": 14,
    "quince": 15,
    "dieciséis": 16,
    "veinte": 20,
    "treinta": 30,
    "cuarenta": 40,
    "cincuenta": 50,
    "sesenta": 60,
    "setenta": 70,
    "ochenta": 80,
    "noventa": 90,
    "cien": 100,
    "ciento": 100,
    "mil": 1000,
}
