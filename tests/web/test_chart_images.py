"""Chart images served by the web process at /charts/{token}.png, over real HTTP on SQLite and
PostgreSQL: the bytes come back as an immutable PNG, unknown and expired tokens get the same 404,
the worker's daily sweep removes expired images, a chart is stored once, and no token reaches a log."""

from __future__ import annotations

import datetime as dt
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from adapters.web.app import build_app
from adapters.web.charts import ChartLinks, links_for
from adapters.worker.tick import Worker
from bot.brain import Brain
from bot.charts import segment_chart
from bot.reply import Image
from config import load_settings
from custseg.errors import ConfigError
from custseg.store import chart_images
from custseg.store.db import Store
from custseg.store.models import CHART_IMAGES
from tests.fakes.teams_connector import LoopbackServers
from tests.helpers.logs import captured_logs

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DAYS_30 = dt.timedelta(days=30)
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with _direct.open(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def chart(share: float = 0.25) -> Image:
    rows = [
        {"segment": "champions", "share": share, "revenue_share": 0.6},
        {"segment": "hibernating", "share": 1 - share, "revenue_share": 0.4},
    ]
    return Image("Segments", segment_chart(rows), f"Champions {100 * share:.0f} % of customers")


def rows(store: Store) -> int:
    with store.connect() as conn:
        return conn.execute(select(func.count()).select_from(CHART_IMAGES)).scalar() or 0


@pytest.fixture
def web(any_store: Store) -> Iterator[str]:
    """The real web application (no chat platform mounted) on loopback; its base URL."""
    settings = load_settings(env={})
    servers = LoopbackServers()
    yield servers.serve(build_app(Brain(any_store, settings), settings, {}, modules=()))
    servers.close()


def test_a_stored_chart_is_served_at_its_url_as_an_immutable_png(any_store, web):
    image = chart()
    with captured_logs() as logs:
        url = ChartLinks(any_store, web, DAYS_30).url(image)
        assert url is not None and url.startswith(f"{web}/charts/") and url.endswith(".png")
        status, headers, body = get(url)
    assert status == 200 and headers["Content-Type"] == "image/png"
    assert body.startswith(PNG_SIGNATURE) and body == image.png
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in headers["Cache-Control"] and "max-age=31536000" in headers["Cache-Control"]
    token = url.removeprefix(f"{web}/charts/").removesuffix(".png")
    assert len(token) >= 43  # token_urlsafe(32): 32 random bytes
    # Logs name the image by its first characters only.
    assert any(f"chart image {token[:6]}… served" in text for text in logs)
    assert not [text for text in logs if token in text]


def test_unknown_and_expired_tokens_get_the_same_404_and_the_sweep_removes_expired_images(any_store, web):
    now = dt.datetime.now(dt.UTC)
    expired, _ = chart_images.save(any_store, chart(0.1).png, DAYS_30, now - dt.timedelta(days=31))
    live, _ = chart_images.save(any_store, chart(0.2).png, DAYS_30, now)
    with captured_logs() as logs:
        answers = [get(f"{web}/charts/{token}.png") for token in (expired, secrets.token_urlsafe(32), "x")]
    assert [status for status, _, _ in answers] == [404, 404, 404]
    assert {body for _, _, body in answers} == {b"No such chart image."}
    assert all(headers["X-Content-Type-Options"] == "nosniff" for _, headers, _ in answers)
    assert not [text for text in logs if expired in text]
    assert rows(any_store) == 2

    report = Worker(any_store, load_settings(env={}), {}, refresh=lambda _now: None).tick(now)
    assert report.swept is not None
    assert rows(any_store) == 1
    assert get(f"{web}/charts/{live}.png")[0] == 200
    assert chart_images.load(any_store, expired) is None


def test_the_same_chart_is_stored_once_by_the_web_and_the_worker(any_store, web):
    image = chart()
    # Two processes (fresh caches), the same chart: one row, one URL.
    first = ChartLinks(any_store, web, DAYS_30).url(image)
    second = ChartLinks(any_store, web, DAYS_30).url(image)
    assert first == second and rows(any_store) == 1
    assert ChartLinks(any_store, web, DAYS_30).url(chart(0.5)) != first and rows(any_store) == 2
    # Storing it again later keeps the token and serves it for another 30 days from then.
    token = first.removeprefix(f"{web}/charts/").removesuffix(".png")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=20)
    again, expires = chart_images.save(any_store, image.png, DAYS_30, later)
    assert again == token and expires == (later + DAYS_30).replace(tzinfo=None)
    assert chart_images.load(any_store, token, later + dt.timedelta(days=25)) == image.png


def test_without_a_database_the_card_gets_no_link_rather_than_failing(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'never-migrated.db'}")
    assert ChartLinks(store, "https://custseg.example.com", DAYS_30).url(chart()) is None


def test_public_url_is_https_except_on_this_machine_and_the_environment_overrides_it(tmp_path):
    assert load_settings(env={}).web.public_url is None
    web = load_settings(env={"CUSTSEG_PUBLIC_URL": "https://custseg.example.com/"}).web
    assert web.public_url == "https://custseg.example.com" and web.chart_days == 30
    assert load_settings(env={"CUSTSEG_PUBLIC_URL": "http://127.0.0.1:8080"}).web.public_url
    settings_file = tmp_path / "custseg.toml"
    settings_file.write_text('[web]\npublic_url = "https://bots.example.com/custseg"\nchart_days = 7\n')
    web = load_settings(settings_file, env={}).web
    assert (web.public_url, web.chart_days) == ("https://bots.example.com/custseg", 7)
    assert links_for(Store("sqlite://"), load_settings(env={}).web) is None

    with pytest.raises(ConfigError, match=r"public_url.*must use https"):
        load_settings(env={"CUSTSEG_PUBLIC_URL": "http://custseg.example.com"})
    with pytest.raises(ConfigError, match=r"public_url.*https://") as err:
        load_settings(env={"CUSTSEG_PUBLIC_URL": "custseg.example.com"})
    with pytest.raises(ConfigError, match="plain base URL") as err:
        load_settings(env={"CUSTSEG_PUBLIC_URL": "https://bot:hunter22@custseg.example.com"})
    assert "hunter22" not in str(err.value)
