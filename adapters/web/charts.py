"""Chart images by URL: ``GET /charts/{token}.png`` in the web process, and the links cards carry.

Teams cannot take a PNG inside a message of useful size (~28 KB with the card), so a chart is
stored in the database (``custseg.store.chart_images``) by whichever process renders the card,
the web process for answers, the worker for digests and alerts, and the web process serves it at
``{public_url}/charts/{token}.png``. Teams clients fetch card images without credentials, so the
random token is the only key: it is never logged in full, only its first characters.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import re

from aiohttp import web

from bot.reply import Image
from config.sections import WebSettings
from custseg.store import chart_images
from custseg.store.db import Store

log = logging.getLogger("custseg.web")

ROUTE = "/charts/{token}.png"
# token_urlsafe's alphabet; anything else is not one of ours and needs no database look-up.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
# The bytes behind a token never change, so clients and proxies may keep them as long as they like.
HEADERS = {
    "Cache-Control": "public, max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
}
NOT_FOUND = "No such chart image."
MAX_KNOWN = 1024


def mount(app: web.Application, store: Store) -> None:
    """Serve the stored chart images at ``ROUTE``."""

    async def chart(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        png = await asyncio.to_thread(chart_images.load, store, token) if _TOKEN.fullmatch(token) else None
        if png is None:
            # Unknown and expired look the same from outside.
            log.debug("chart image %s: not found or expired", chart_images.short(token))
            return web.Response(status=404, text=NOT_FOUND, headers={"X-Content-Type-Options": "nosniff"})
        log.debug("chart image %s served (%d bytes)", chart_images.short(token), len(png))
        return web.Response(body=png, content_type="image/png", headers=HEADERS)

    app.router.add_get(ROUTE, chart)


class ChartLinks:
    """Stores a chart and gives the URL the web process serves it at (``Image`` → URL).

    Parameters
    ----------
    store : Store
        The database the web process reads the images from.
    public_url : str
        The web process's public base URL, as in ``[web] public_url``.
    ttl : timedelta
        How long an image is served after it was last stored.
    """

    def __init__(self, store: Store, public_url: str, ttl: dt.timedelta):
        self.store = store
        self.public_url = public_url
        self.ttl = ttl
        # Content hash → (token, expiry, naive UTC): a chart drawn again (the same breakdown asked
        # twice) costs no database write while it has at least half its time left.
        self._known: dict[str, tuple[str, dt.datetime]] = {}

    def url(self, image: Image) -> str | None:
        """The image's URL; None (the card falls back to the numbers) when it cannot be stored.

        Called while a card is built, on the web process's event loop too: it is one small
        transaction, once per distinct chart and process.
        """
        digest = hashlib.sha256(image.png).hexdigest()
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        known = self._known.get(digest)
        if known is None or known[1] - now < self.ttl / 2:
            try:
                known = chart_images.save(self.store, image.png, self.ttl, now)
            except Exception as err:  # the answer matters more than its picture
                log.warning("could not store a chart image: %s", type(err).__name__)
                return None
            if len(self._known) >= MAX_KNOWN:
                self._known.clear()
            self._known[digest] = known
        return f"{self.public_url}/charts/{known[0]}.png"


def links_for(store: Store, web_settings: WebSettings) -> ChartLinks | None:
    """Chart links for this deployment, or None without a public URL (charts stay in the card)."""
    if web_settings.public_url is None:
        return None
    return ChartLinks(store, web_settings.public_url, dt.timedelta(days=web_settings.chart_days))
