"""Exported files by a short-lived link: ``GET /exports/{token}/{filename}`` in the web process.

A bot in Teams cannot attach a file to its message without a consent card in the personal chat,
and an Adaptive Card cannot carry one, so the export is stored in the database
(``custseg.store.export_files``) by the process that answered and served here for
``[web] export_minutes``. The random token is the only key (the browser fetching it has none of our
credentials), so it is never logged in full and lives minutes; a download is logged by who asked
for it, never by what it holds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from urllib.parse import quote

from aiohttp import web

from bot.reply import Attachment
from config.sections import WebSettings
from custseg.store import export_files
from custseg.store.db import Store

log = logging.getLogger("custseg.web")

ROUTE = "/exports/{token}/{filename}"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
NOT_FOUND = "No such export, or its link has expired: ask for the export again."
# Customer data: never cached on the way, never sniffed into something else.
HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def mount(app: web.Application, store: Store) -> None:
    """Serve the stored exports at ``ROUTE``."""

    async def download(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        found = await asyncio.to_thread(export_files.load, store, token) if _TOKEN.fullmatch(token) else None
        if found is None:
            log.debug("export %s: not found or expired", export_files.short(token))
            return web.Response(status=404, text=NOT_FOUND, headers=HEADERS)
        log.info("export %s downloaded (%d bytes)", export_files.short(token), len(found.content))
        disposition = f"attachment; filename*=UTF-8''{quote(found.filename)}"
        return web.Response(
            body=found.content,
            content_type=found.media_type,
            headers={**HEADERS, "Content-Disposition": disposition},
        )

    app.router.add_get(ROUTE, download)


class ExportLinks:
    """Stores an export and gives the link the web process serves it at (``Attachment`` → URL)."""

    def __init__(self, store: Store, public_url: str, ttl: dt.timedelta):
        self.store = store
        self.public_url = public_url
        self.ttl = ttl

    @property
    def minutes(self) -> int:
        return int(self.ttl.total_seconds() // 60)

    def url(self, file: Attachment, platform: str, user_id: str) -> str | None:
        """The file's download link; None when it cannot be stored (the reply says so)."""
        stored = export_files.StoredFile(file.filename, file.media_type, file.content)
        try:
            token, _ = export_files.save(self.store, stored, file.rows, (platform, user_id), self.ttl)
        except Exception as err:  # the answer still goes out, saying the file could not follow
            log.warning("could not store an export: %s", type(err).__name__)
            return None
        return f"{self.public_url}/exports/{token}/{quote(file.filename)}"


def links_for(store: Store, web_settings: WebSettings) -> ExportLinks | None:
    """Export links for this deployment, or None without a public URL (no file can be handed over)."""
    if web_settings.public_url is None:
        return None
    return ExportLinks(store, web_settings.public_url, dt.timedelta(minutes=web_settings.export_minutes))
