"""The Slack Web API client custseg uses."""

from __future__ import annotations

from collections.abc import Mapping

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

API_URL_ENV = "SLACK_API_URL"


def web_client(token: str, env: Mapping[str, str]) -> AsyncWebClient:
    """The Web API client: retries rate limits (sleeping for Slack's ``Retry-After``), 5xx and
    dropped connections. ``SLACK_API_URL`` points it elsewhere (a local fake in tests)."""
    return AsyncWebClient(
        token=token,
        base_url=env.get(API_URL_ENV) or AsyncWebClient.BASE_URL,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )
