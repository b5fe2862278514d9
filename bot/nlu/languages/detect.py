"""Which language a message is in: Chinese, German, Spanish or English.

English is the default and wins ties, so an English message (even one naming
"Müller GmbH" or "São Paulo") passes through the layer untouched.
"""

from __future__ import annotations

import re

from .chinese import CJK_RE, KANA_RE

WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)

# Function words and everyday words of a segmentation question, distinctive of each language.
GERMAN_WORDS = frozenset(
    [
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "und",
        "oder",
        "nicht",
        "mit",
        "ist",
        "sind",
        "wie",
        "viele",
        "welche",
        "welcher",
        "welches",
        "zeig",
        "zeige",
        "mir",
        "ich",
        "meine",
        "meinen",
        "mein",
        "alle",
        "im",
        "letzten",
        "letzte",
        "letztes",
        "jahr",
        "monat",
        "woche",
        "kunden",
        "kunde",
        "umsatz",
        "bestellungen",
        "haben",
        "hat",
        "wir",
        "uns",
        "seit",
        "pro",
        "bei",
        "von",
        "vom",
        "für",
        "gibt",
        "es",
        "durchschnittlicher",
        "durchschnittliche",
        "exportiere",
        "als",
        "nach",
        "wer",
        "warum",
        "erzähl",
        "genehmige",
        "lehne",
        "ab",
        "weil",
        "noch",
        "schon",
        "nur",
        "aus",
        "auch",
        "diese",
        "dieses",
        "diesem",
        "einen",
        "eine",
        "ein",
        "inaktiv",
        "gefährdet",
        "hallo",
        "danke",
        "kannst",
        "du",
        "bedeutet",
        "heißt",
        "bitte",
        "habe",
        "hab",
        "gib",
        "welchen",
        "warten",
        "aktionen",
        "aktive",
        "aktiven",
        "neue",
        "neuen",
        "inaktive",
        "inaktiven",
        "gefährdete",
        "gefährdeten",
        "wertvolle",
        "wertvollen",
        "monatlicher",
        "monatliche",
        "zu",
        # A decision says little else: "Vorschlag 14 genehmigen".
        "vorschlag",
        "genehmigen",
        "genehmige",
        "ablehnen",
        "freigeben",
        "zurückstellen",
        "verschieben",
    ]
)
SPANISH_WORDS = frozenset(
    [
        "el",
        "la",
        "los",
        "las",
        "de",
        "del",
        "que",
        "qué",
        "y",
        "o",
        "con",
        "en",
        "por",
        "para",
        "cuántos",
        "cuántas",
        "cuantos",
        "cuales",
        "cuáles",
        "clientes",
        "cliente",
        "muéstrame",
        "muestrame",
        "mis",
        "mi",
        "este",
        "esta",
        "año",
        "mes",
        "semana",
        "ingresos",
        "pedidos",
        "hay",
        "son",
        "es",
        "están",
        "estan",
        "más",
        "mas",
        "menos",
        "pasado",
        "pasada",
        "desde",
        "hace",
        "sin",
        "exporta",
        "dame",
        "gracias",
        "hola",
        "cuánto",
        "cuanto",
        "quién",
        "quiénes",
        "por",
        "qué",
        "porque",
        "aprueba",
        "rechaza",
        "valor",
        "alto",
        "significa",
        "puedes",
        "tengo",
        "acciones",
        "mejores",
        "cómo",
        "como",
    ]
)
ENGLISH_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "or",
        "not",
        "with",
        "is",
        "are",
        "how",
        "many",
        "which",
        "who",
        "what",
        "show",
        "me",
        "my",
        "all",
        "last",
        "this",
        "year",
        "month",
        "week",
        "customers",
        "customer",
        "revenue",
        "orders",
        "have",
        "has",
        "we",
        "us",
        "since",
        "per",
        "by",
        "from",
        "for",
        "there",
        "does",
        "do",
        "to",
        "on",
        "at",
        "than",
        "as",
        "a",
        "an",
        "our",
        "list",
        "give",
        "tell",
        "about",
        "why",
        "approve",
        "reject",
        "because",
        "top",
        "most",
        "any",
    ]
)
GERMAN_LETTERS = re.compile(r"[äöüß]", re.IGNORECASE)
SPANISH_LETTERS = re.compile(r"[ñ¿¡áéíóú]", re.IGNORECASE)


def detect_language(text: str) -> str:
    """The message's language: ``"zh"``, ``"de"``, ``"es"`` or ``"en"``.

    Parameters
    ----------
    text : str
        The message as typed.

    Returns
    -------
    str
        ``"zh"`` when it has Chinese characters; ``"de"`` / ``"es"`` when that language's
        function words and letters outweigh English ones; ``"en"`` otherwise.
    """
    words = [w.lower() for w in WORD_RE.findall(text)]
    en = sum(w in ENGLISH_WORDS for w in words)
    # An English sentence naming a Chinese customer or quoting a reason ("tell me about 华为") stays English.
    if KANA_RE.search(text):
        return "en"  # Japanese is not one of ours: the parser answers it as it answers English it cannot read
    if CJK_RE.search(text):
        return "zh" if en < 2 else "en"
    if not words:
        return "en"
    de = sum(w in GERMAN_WORDS for w in words) + len(GERMAN_LETTERS.findall(text))
    es = sum(w in SPANISH_WORDS for w in words) + len(SPANISH_LETTERS.findall(text))
    best, score = max((("de", de), ("es", es)), key=lambda pair: pair[1])
    # One German/Spanish cue is enough only when nothing English was said ("Umsatz pro Region").
    if score > en and (score >= 2 or en == 0) and score > min(de, es):
        return best
    return "en"
