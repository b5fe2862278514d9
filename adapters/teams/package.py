"""The Teams app package: ``appPackage/manifest.json`` and its two icons, zipped for upload.

``python -m adapters.teams.package`` (what ``scripts/package-teams-app`` runs) draws the icons
(``color.png`` 192×192, ``outline.png`` 32×32 white on transparent, as Teams requires), fills in
the manifest — the app id from ``MICROSOFT_APP_ID``, the publisher's name and pages from the
settings' ``[msteams.app]``, the app's ``version`` from the project's version — and writes the zip
to upload in Teams, with a file of translated names and descriptions for each further language
the bot speaks (``localizationInfo``; English is the manifest's own).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from config import Settings, load_settings
from config.errors import ConfigError
from config.sections import TeamsAppSettings

PACKAGE_DIR = Path(__file__).resolve().parent / "appPackage"
APP_ID_PLACEHOLDER = "${{MICROSOFT_APP_ID}}"
ACCENT = (76, 120, 168)
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _bars(draw: ImageDraw.ImageDraw, size: int, fill: tuple[int, ...]) -> None:
    """Three rising bars: segments of a book of business."""
    pad, gap = size * 0.2, size * 0.08
    width = (size - 2 * pad - 2 * gap) / 3
    for i, height in enumerate((0.3, 0.5, 0.7)):
        left = pad + i * (width + gap)
        top = size - pad - height * (size - 2 * pad) / 0.7
        draw.rectangle((left, top, left + width, size - pad), fill=fill)


def icon_png(size: int, outline: bool) -> bytes:
    """The colour icon (white bars on the accent colour) or the outline icon (white on transparent)."""
    background = (0, 0, 0, 0) if outline else (*ACCENT, 255)
    image = Image.new("RGBA", (size, size), background)
    _bars(ImageDraw.Draw(image), size, (255, 255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def draw_icons(directory: Path = PACKAGE_DIR) -> None:
    (directory / "color.png").write_bytes(icon_png(192, outline=False))
    (directory / "outline.png").write_bytes(icon_png(32, outline=True))


def project_version() -> str:
    """The installed custseg's version (``pyproject.toml``): Teams offers an uploaded package as an
    update only when its ``version`` is higher than the installed one's."""
    return metadata.version("custseg")


def manifest(app_id: str, app: TeamsAppSettings, directory: Path = PACKAGE_DIR) -> dict[str, Any]:
    """The app manifest with ``app_id``, the publisher of ``app`` and the project's version."""
    if not _GUID.match(app_id):
        raise ValueError(f"MICROSOFT_APP_ID must be the app registration's GUID, not {app_id!r}")
    text = (directory / "manifest.json").read_text(encoding="utf-8").replace(APP_ID_PLACEHOLDER, app_id)
    built = json.loads(text)  # a broken manifest fails here, not in Teams' upload dialog
    built["version"] = project_version()
    built["developer"] = {
        "name": app.developer_name,
        "websiteUrl": app.website_url,
        "privacyUrl": app.privacy_url,
        "termsOfUseUrl": app.terms_url,
    }
    return built


def build_package(
    app_id: str, out: Path, settings: Settings | None = None, directory: Path = PACKAGE_DIR
) -> Path:
    """Zip the manifest (filled in from ``app_id`` and ``settings``), its language files and the
    icons into ``out``."""
    settings = settings if settings is not None else load_settings()
    built = manifest(app_id, settings.msteams.app, directory)
    languages = [lang["file"] for lang in built.get("localizationInfo", {}).get("additionalLanguages", [])]
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(built, indent=2, ensure_ascii=False))
        for name in ("color.png", "outline.png", *languages):
            zf.write(directory / name, name)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the custseg Teams app package (zip to upload).")
    parser.add_argument("--out", type=Path, default=Path("dist/custseg-teams.zip"))
    parser.add_argument(
        "--draw-icons", action="store_true", help="redraw appPackage/color.png and outline.png"
    )
    args = parser.parse_args(argv)
    if args.draw_icons:
        draw_icons()
    app_id = os.environ.get("MICROSOFT_APP_ID", "").strip()
    if not app_id:
        print("Set MICROSOFT_APP_ID to the bot's app registration id (a GUID) first.", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
        path = build_package(app_id, args.out, settings)
    except (ValueError, ConfigError) as err:
        print(err, file=sys.stderr)
        return 2
    for name, url in settings.msteams.app.placeholders().items():
        print(f"warning: [msteams.app] {name} is a placeholder ({url}): set your own page.", file=sys.stderr)
    print(f"Teams app package: {path} (upload it in Teams → Apps → Manage your apps → Upload an app)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
