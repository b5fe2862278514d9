"""scripts/i18n: extract the message template from bot/wording.py and update the catalogues."""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot import i18n, wording

WORDING = Path(wording.__file__)
TEMPLATE = i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot"


def lines() -> dict[str, int]:
    """The line of each module-level assignment in wording.py (the catalogue's "#:" references)."""
    tree = ast.parse(WORDING.read_text(encoding="utf-8"))
    found: dict[str, int] = {}
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        for target in targets:
            if isinstance(target, ast.Name):
                found[target.id] = node.lineno
    return found


def template() -> Catalog:
    catalog = Catalog(project="custseg", charset="utf-8", fuzzy=False)
    where = lines()
    for name, value in i18n.said_constants(wording).items():
        for context, msgid in i18n.entries(name, value):
            flags = ["python-brace-format"] if i18n.placeholders(msgid) else []
            catalog.add(
                msgid, context=context, locations=[("bot/wording.py", where.get(name, 0))], flags=flags
            )
    return catalog


def write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=100, omit_header=False, include_previous=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/i18n", description=__doc__)
    parser.add_argument("--init", metavar="LANG", help="start the catalogue of a new language")
    parser.add_argument("--check", action="store_true", help="list what the catalogues lack")
    args = parser.parse_args(argv)
    if args.check:
        found = [p for lang in i18n.LANGUAGES if lang != i18n.DEFAULT for p in i18n.problems(lang, wording)]
        print("\n".join(found) or "every text has a translation in " + ", ".join(i18n.LANGUAGES[1:]))
        return 1 if found else 0
    pot = template()
    write(pot, TEMPLATE)
    print(f"{TEMPLATE}: {len(pot)} texts")
    if args.init:
        catalog = Catalog(locale=args.init, project="custseg", charset="utf-8", fuzzy=False)
        catalog.update(pot)
        write(catalog, i18n.catalogue_path(args.init))
    for lang in i18n.LANGUAGES[1:]:
        path = i18n.catalogue_path(lang)
        if not path.is_file():
            print(f"{path}: missing (scripts/i18n --init {lang} starts it)")
            continue
        with path.open("rb") as f:
            catalog = read_po(f, locale=lang)
        catalog.update(pot)
        write(catalog, path)
        todo = sum(1 for m in catalog if m.id and (not m.string or m.fuzzy))
        print(f"{path}: {len(catalog)} texts, {todo} to translate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
