"""The Teams app package: ``appPackage/manifest.json`` and its two icons, zipped for upload.

``python -m adapters.teams.package`` (what ``scripts/package-teams-app`` runs) draws the icons
(``color.png`` 192×192, ``outline.png`` 32×32 white on transparent, as Teams requires), fills the
app id from ``MICROSOFT_APP_ID`` into the manifest and writes the zip to upload in Teams.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw

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


def build_package(app_id: str, out: Path, directory: Path = PACKAGE_DIR) -> Path:
    """Zip the manifest (with ``app_id`` filled in) and the icons into ``out``."""
    if not _GUID.match(app_id):
        raise ValueError(f"MICROSOFT_APP_ID must be the app registration's GUID, not {app_id!r}")
    manifest = (directory / "manifest.json").read_text(encoding="utf-8").replace(APP_ID_PLACEHOLDER, app_id)
    json.loads(manifest)  # a broken manifest fails here, not in Teams' upload dialog
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", manifest)
        for icon in ("color.png", "outline.png"):
            zf.write(directory / icon, icon)
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
        path = build_package(app_id, args.out)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    print(f"Teams app package: {path} (upload it in Teams → Apps → Manage your apps → Upload an app)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
