"""Adaptive Cards for long answers and charts stay within Teams' limits; conversation references on
PostgreSQL; the app package is what Teams' upload dialog expects."""

from __future__ import annotations

import io
import json
import os
import subprocess
import zipfile
from importlib import metadata

import pytest
from PIL import Image as PILImage

from adapters.teams.handler import SEARCH_COMMAND, SEARCH_PARAMETER
from adapters.teams.package import build_package
from adapters.teams.references import channel_key, get_reference, mark_uninstalled, save_reference
from adapters.teams.render import MAX_CARD_BYTES, card
from bot import wording
from bot.reply import Button, Image, Reply, Table
from config import load_settings
from config.sections import TeamsAppSettings
from tests.helpers.data import ROOT
from tests.teams.cards import card_text, table_rows
from tests.teams.manifest_rules import breaks, language_breaks


def long_reply(rows: int, image: Image | None = None) -> Reply:
    table = Table(
        ["Customer", "Revenue"],
        [[f"Customer {i:03d}", f"${i * 1000:,}"] for i in range(rows)],
        ["left", "right"],
    )
    return Reply(
        context="Everyone",
        table=table,
        image=image,
        buttons=[Button("Approve", "approve", {"id": 1}, "primary")],
    )


def test_long_lists_are_paged_inside_the_card():
    built = card(long_reply(25))
    toggles = next(e for e in built["body"] if e["type"] == "ActionSet")
    assert [a["title"] for a in toggles["actions"]] == ["Rows 1–10", "Rows 11–20", "Rows 21–25"]
    pages = [e for e in built["body"] if e["type"] == "Container"]
    assert [p["isVisible"] for p in pages] == [True, False, False]
    assert len(table_rows(built)) == 25
    (approve,) = built["actions"]
    assert approve["style"] == "positive" and approve["verb"] == "approve" and approve["data"] == {"id": 1}
    # A row is a ColumnSet: the name takes the room left, the figure its own width, right-aligned.
    first_row = pages[0]["items"][0]["items"][1]
    name, figure = first_row["columns"]
    assert (name["width"], figure["width"]) == ("stretch", "auto")
    assert figure["items"][0]["horizontalAlignment"] == "right"


def test_a_wide_list_shows_name_figure_and_status_and_the_rest_under_details():
    headers = ["Customer", "Owner", "Segment", "Stage", "Risk", "Revenue", "Lifetime value", "Last order"]
    row = ["Kestrel Retail", "Maria", "Champions", "Active", "high 72 %", "$1,200", "$3,000", "3 days ago"]
    table = Table(headers, [row], ["left"] * 5 + ["right"] * 3, key=[0, 5, 4])
    built = card(Reply(context="Champions", table=table))
    (listed,) = [e for e in built["body"] if e["type"] == "Container"]
    head, line, details = listed["items"]
    assert [c["items"][0]["text"] for c in head["columns"]] == ["Customer", "Revenue", "Risk"]
    assert [[i["text"] for i in c["items"]] for c in line["columns"]] == [
        ["Kestrel Retail", wording.TEAMS_WORDS["details"]],
        ["$1,200"],
        ["high 72 %"],
    ]
    assert [c["width"] for c in line["columns"]] == ["stretch", "auto", "auto"]
    assert line["selectAction"] == {
        "type": "Action.ToggleVisibility",
        "title": wording.TEAMS_WORDS["details"],
        "targetElements": [details["id"]],
    }
    assert details["isVisible"] is False
    assert [(f["title"], f["value"]) for f in details["items"][0]["facts"]] == [
        ("Owner", "Maria"),
        ("Segment", "Champions"),
        ("Stage", "Active"),
        ("Lifetime value", "$3,000"),
        ("Last order", "3 days ago"),
    ]
    assert table_rows(built) == [[row[0], row[5], row[4], *row[1:4], *row[6:]]]


def test_a_card_too_large_for_teams_drops_the_chart_then_trailing_pages_and_says_so():
    chart = Image("Segments", bytes(range(256)) * 200, "champions 10 % of customers")
    built = card(long_reply(600, chart))
    assert len(json.dumps(built, ensure_ascii=False).encode()) <= MAX_CARD_BYTES
    text = card_text(built)
    assert "chart is too large" in text and "champions 10 % of customers" in text
    shown = len(table_rows(built))
    assert 10 <= shown < 600 and f"Rows {shown + 1}–600 are left out" in text

    small = card(Reply(context="Segments", image=Image("Segments", b"\x89PNG tiny", "alt")))
    (image,) = [e for e in small["body"] if e["type"] == "Image"]
    assert image["url"].startswith("data:image/png;base64,") and image["altText"] == "alt"


def test_conversation_references_on_postgresql(pg_store):
    reference = {
        "conversation": {"id": "19:ops@thread.tacv2"},
        "serviceUrl": "https://smba.trafficmanager.net/emea/",
    }
    save_reference(
        pg_store, channel_key("19:ops@thread.tacv2;messageid=42"), reference, kind="channel", name="Ops"
    )
    save_reference(pg_store, "19:ops@thread.tacv2", {**reference, "locale": "en-GB"})
    stored = get_reference(pg_store, "19:ops@thread.tacv2;messageid=99")
    assert stored is not None and stored.installed and stored.name == "Ops" and stored.kind == "channel"
    assert stored.reference["locale"] == "en-GB"
    assert mark_uninstalled(pg_store, "19:ops@thread.tacv2")
    assert not get_reference(pg_store, "19:ops@thread.tacv2").installed
    assert not mark_uninstalled(pg_store, "19:unknown@thread.tacv2")


def test_package_script_builds_an_uploadable_app_package(tmp_path):
    out = tmp_path / "custseg-teams.zip"
    app_id = "00000000-0000-0000-0000-00000000abcd"
    env = {**os.environ, "MICROSOFT_APP_ID": app_id}
    done = subprocess.run(
        [str(ROOT / "scripts" / "package-teams-app"), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    # The shipped settings' pages are placeholders: the script says so.
    assert done.stderr.count("is a placeholder (https://example.com/custseg") == 3
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == [
            "color.png",
            "de.json",
            "es.json",
            "manifest.json",
            "outline.png",
            "zh-CN.json",
        ]
        manifest = json.loads(zf.read("manifest.json"))
        languages = {name: json.loads(zf.read(name)) for name in ("de.json", "es.json", "zh-CN.json")}
        color = PILImage.open(io.BytesIO(zf.read("color.png")))
        outline = PILImage.open(io.BytesIO(zf.read("outline.png"))).convert("RGBA")
    assert breaks(manifest) == []
    assert [b for strings in languages.values() for b in language_breaks(strings)] == []
    assert manifest["version"] == metadata.version("custseg")
    assert manifest["localizationInfo"] == {
        "defaultLanguageTag": "en",
        "additionalLanguages": [
            {"languageTag": "zh-CN", "file": "zh-CN.json"},
            {"languageTag": "de", "file": "de.json"},
            {"languageTag": "es", "file": "es.json"},
        ],
    }
    assert languages["de.json"]["name.full"] == "custseg: Kundensegmentierung"
    assert languages["es.json"]["description.short"].startswith("Pregunte qué clientes")
    assert languages["zh-CN.json"]["composeExtensions[0].commands[0].title"] == "客户"
    (search,) = manifest["composeExtensions"][0]["commands"]
    assert manifest["composeExtensions"][0]["botId"] == app_id
    assert (search["id"], search["type"], [p["name"] for p in search["parameters"]]) == (
        SEARCH_COMMAND,
        "query",
        [SEARCH_PARAMETER],
    )
    assert manifest["id"] == app_id and manifest["bots"][0]["botId"] == app_id
    assert set(manifest["bots"][0]["scopes"]) == {"personal", "team", "groupChat"}
    assert color.size == (192, 192) and outline.size == (32, 32)
    assert outline.getpixel((0, 0))[3] == 0  # transparent background
    assert {
        outline.getpixel((x, y))[:3] for x in range(32) for y in range(32) if outline.getpixel((x, y))[3]
    } == {(255, 255, 255)}

    missing = subprocess.run(
        [str(ROOT / "scripts" / "package-teams-app"), "--out", str(out)],
        env={k: v for k, v in os.environ.items() if k != "MICROSOFT_APP_ID"},
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "MICROSOFT_APP_ID" in missing.stderr


def test_the_package_names_the_publisher_from_the_settings(tmp_path):
    settings = load_settings(env={})
    app = TeamsAppSettings(
        developer_name="Contoso Sales Tools",
        website_url="https://tools.contoso.com/custseg",
        privacy_url="https://tools.contoso.com/privacy",
        terms_url="https://tools.contoso.com/terms",
    )
    ours = settings.model_copy(update={"msteams": settings.msteams.model_copy(update={"app": app})})
    out = build_package("00000000-0000-0000-0000-00000000abcd", tmp_path / "p.zip", ours)
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["developer"] == {
        "name": "Contoso Sales Tools",
        "websiteUrl": "https://tools.contoso.com/custseg",
        "privacyUrl": "https://tools.contoso.com/privacy",
        "termsOfUseUrl": "https://tools.contoso.com/terms",
    }
    assert breaks(manifest) == [] and app.placeholders() == {}
    broken = {**manifest, "version": "1.0", "developer": {**manifest["developer"], "name": "x" * 33}}
    assert breaks(broken) == [
        "version '1.0' is not major.minor.patch",
        "developer.name is 33 characters (at most 32)",
    ]
    with pytest.raises(ValueError, match="must be an https:// URL"):
        TeamsAppSettings(website_url="http://tools.contoso.com")


def test_markdown_in_customer_data_cannot_make_links_or_bold_in_a_card():
    reply = Reply(
        context="Profile of [Pay here](https://evil.example)",
        title="**Keller** & Sons",
        text="*Globex* is the brain's own bold.",
        fields=[("Account manager", "[x](https://evil.example)")],
        table=Table(["Customer"], [["[Click](https://evil.example)"], ["**Loud** Ltd"]]),
    )
    built = json.dumps(card(reply), ensure_ascii=False)
    assert "[Pay here]" not in built and "[Click]" not in built and "[x]" not in built
    assert "**Keller**" not in built and "**Loud**" not in built
    assert "**Globex**" in built  # the brain's own *bold* still becomes card markdown
