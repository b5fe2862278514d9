"""Charts in Teams cards as images the web process serves, end to end over real HTTP on SQLite and
PostgreSQL: a question answered in the web process and a digest posted by the worker's TeamsPoster
both carry an Image whose URL the running web app answers with the very same PNG."""

from __future__ import annotations

import dataclasses
import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.ops.doctor import check_teams, deployment
from adapters.teams.poster import TeamsPoster
from adapters.teams.render import MAX_CARD_BYTES, card
from adapters.web.charts import links_for
from adapters.worker.tick import Worker
from bot import wording
from bot.context import Channel, ChatUser
from bot.outbox import enqueue
from bot.reply import Image, Reply, Table
from config import Settings, load_settings
from custseg.store import Store, open_store
from custseg.store.models import CHART_IMAGES
from tests.helpers.demo_book import DemoBooks
from tests.helpers.logs import captured_logs
from tests.teams.cards import card_text, read_order, table_rows
from tests.teams.world import CREDENTIALS, PERSONAL, World, running_world

BREAKDOWN = "give me the segment breakdown"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# A linked chart costs a card its URL, its alt text and a few bytes of JSON (embedded, the PNG
# alone would be over Teams' ~28 KB).
IMAGE_OVERHEAD_BYTES = 100
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def request(url: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, str], bytes]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        url,
        data=data,
        method="POST" if body is not None else "GET",
        headers={"Content-Type": "application/json"},
    )
    try:
        with _direct.open(req, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def images(built: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in built["body"] if e["type"] == "Image"]


def size(built: dict[str, Any]) -> int:
    return len(json.dumps(built, ensure_ascii=False).encode("utf-8"))


def stored_charts(store: Store) -> int:
    with store.connect() as conn:
        return conn.execute(select(func.count()).select_from(CHART_IMAGES)).scalar() or 0


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def world(
    request: pytest.FixtureRequest, demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    # The web app's public URL is where it will listen: Teams fetches the images from there.
    port = free_port()
    web = load_settings(env={"CUSTSEG_PUBLIC_URL": f"http://127.0.0.1:{port}"}).web
    tmp = tmp_path_factory.mktemp("charts")
    with running_world(demo_books, tmp, {"web": web}, request.param, port=port, n_customers=300) as world:
        assert world.bot_url == web.public_url
        yield world


@pytest.fixture
def logs() -> Iterator[list[str]]:
    with captured_logs() as texts:
        yield texts


def token_of(world: World, image_url: str) -> str:
    assert image_url.startswith(f"{world.bot_url}/charts/") and image_url.endswith(".png")
    return image_url.removeprefix(f"{world.bot_url}/charts/").removesuffix(".png")


def test_a_chart_answer_links_an_image_the_web_app_serves(world, logs):
    built = world.ask(BREAKDOWN)
    (image,) = images(built)
    token = token_of(world, image["url"])
    drawn = world.brain.ask(BREAKDOWN, ChatUser("29:maria", "teams"), Channel(PERSONAL["id"], "teams", "dm"))
    assert drawn.image is not None and image["altText"] == drawn.image.alt_text

    status, headers, png = request(image["url"])
    assert status == 200 and headers["Content-Type"] == "image/png"
    assert png.startswith(PNG_SIGNATURE) and png == drawn.image.png
    # The numbers stay on the card: the breakdown table, and no "in numbers" fallback.
    assert drawn.table is not None and table_rows(built) == read_order(drawn.table)
    assert "in numbers" not in card_text(built)
    plain = card(dataclasses.replace(drawn, image=None), local_mode=True)
    assert (
        size(built) - size(plain) < len(image["url"]) + len(image["altText"].encode()) + IMAGE_OVERHEAD_BYTES
    )
    # Well within the limit (an embedded chart alone would take most of it), with a ColumnSet and
    # its details per row.
    assert size(built) < MAX_CARD_BYTES * 2 // 3
    assert not [text for text in logs if token in text]


def test_asking_again_reuses_the_stored_image(world):
    store = world.brain.store
    first = images(world.ask(BREAKDOWN))[0]["url"]
    before = stored_charts(store)
    assert images(world.ask(BREAKDOWN))[0]["url"] == first
    assert stored_charts(store) == before


def test_a_digest_posted_by_the_worker_links_an_image_the_web_app_serves(world, logs):
    status, _, _ = request(
        f"{world.bot_url}/api/messages", world.activity(PERSONAL, type="installationUpdate", action="add")
    )
    assert status == 202
    # The worker is another process: its own database handle and its own chart links.
    store = open_store(world.database_url)
    try:
        poster = TeamsPoster(store, {}, chart_links=links_for(store, world.settings.web))
        worker = Worker(store, world.settings, {"teams": poster}, refresh=lambda _now: None)
        (message,) = worker.preview("digest", "teams", PERSONAL["id"])
        assert message.reply.image is not None
        world.connector.clear()
        charts_before = stored_charts(store)
        for week in ("w1", "w2"):  # the same chart in two posts is stored once
            assert enqueue(store, "teams", PERSONAL["id"], f"{message.key}:{week}", message.reply)
        outcomes = worker.deliver()
        assert [o.status for o in outcomes] == ["sent", "sent"]
    finally:
        store.dispose()

    posts = world.connector.of("post")
    assert len(posts) == 2 and all(p.conversation_id == PERSONAL["id"] for p in posts)
    urls = {images(p.card)[0]["url"] for p in posts}
    (url,) = urls
    assert stored_charts(world.brain.store) == charts_before + 1
    token = token_of(world, url)
    status, headers, png = request(url)
    assert status == 200 and headers["Content-Type"] == "image/png"
    assert png.startswith(PNG_SIGNATURE) and png == message.reply.image.png
    assert images(posts[0].card)[0]["altText"] == message.reply.image.alt_text
    plain = size(card(dataclasses.replace(message.reply, image=None), local_mode=True))
    linked = len(url) + len(message.reply.image.alt_text.encode()) + IMAGE_OVERHEAD_BYTES
    assert all(size(p.card) - plain < linked for p in posts)
    assert all(size(p.card) < MAX_CARD_BYTES // 2 for p in posts)
    assert not [text for text in logs if token in text]


def test_without_a_public_url_the_chart_falls_back_to_numbers_and_doctor_says_how_to_fix_it(
    world, sqlite_store
):
    reply = world.brain.ask(BREAKDOWN, ChatUser("29:maria", "teams"), Channel(PERSONAL["id"], "teams", "dm"))
    assert reply.image is not None
    built = card(reply)
    assert images(built) == []
    assert wording.TEAMS_WORDS["chart_too_large"].format(alt=reply.image.alt_text) in card_text(built)
    assert size(built) <= MAX_CARD_BYTES

    def findings(settings: Settings):
        return check_teams(
            deployment(settings.model_copy(update={"database_url": sqlite_store.url}), CREDENTIALS)
        )

    charts = findings(load_settings(env={}))[1]
    assert charts.level == "warn"
    assert charts.message.startswith("Teams charts are shown as numbers: set [web] public_url to")
    assert "CUSTSEG_PUBLIC_URL" in charts.fix
    charts = findings(world.settings)[1]
    assert charts.level == "ok" and world.bot_url in charts.message


def test_a_linked_chart_stays_when_a_long_table_is_cut_to_fit():
    rows = [[f"Customer {i:03d}", f"${i * 1000:,}"] for i in range(600)]
    chart = Image("Segments", bytes(range(256)) * 200, "champions 10 % of customers")
    reply = Reply(context="Everyone", table=Table(["Customer", "Revenue"], rows), image=chart)
    built = card(reply, image_url=lambda _image: "https://custseg.example.com/charts/abc.png")
    assert size(built) <= MAX_CARD_BYTES
    (image,) = images(built)
    assert image["url"] == "https://custseg.example.com/charts/abc.png"
    assert image["altText"] == "champions 10 % of customers"
    shown = len(table_rows(built))
    assert 10 <= shown < 600 and f"Rows {shown + 1}–600 are left out" in card_text(built)
