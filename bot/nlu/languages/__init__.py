"""Chinese, German and Spanish messages rewritten as the plain English the parser reads.

>>> to_english("各区域的收入是多少?")
'revenue by region?'
>>> to_english("ingresos por región este año")
'revenue by region this year'
>>> to_english("how many champions in EMEA?")  # English passes through unchanged
'how many champions in EMEA?'

A separate layer in front of the English parser (``bot.nlu.parser.parse_message``):
detect the language (``detect.py``), then rewrite with that language's phrase
table (``chinese.py``; ``latin.py`` with ``german.py`` / ``spanish.py``).
"""

from __future__ import annotations

from . import chinese
from .detect import detect_language
from .german import GERMAN
from .latin import rewrite
from .spanish import SPANISH

__all__ = ["detect_language", "to_english"]


def to_english(text: str) -> str:
    """The message in the plain English of the parser; English text is returned unchanged.

    Parameters
    ----------
    text : str
        One chat message as typed.

    Returns
    -------
    str
        ``text`` itself when it is English, else its rewrite.
    """
    language = detect_language(text)
    if language == "zh":
        return chinese.to_english(text)
    if language == "de":
        return rewrite(text, GERMAN)
    if language == "es":
        return rewrite(text, SPANISH)
    return text
