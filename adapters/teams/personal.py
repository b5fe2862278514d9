"""Personal (1:1) chats the bot starts, and proactive turns in any stored conversation.

Teams lets a bot start a personal chat with anyone in a tenant where the app is installed
(``POST /v3/conversations`` with the user as the only member). ``open_personal`` finds the stored
personal chat of a user, or starts one through the service URL stored for our tenant and stores
its reference, so the account manager's task after an approval (``TeamsPoster``) and the private
answer to a channel mention (``CustsegTeams``) reach the person even before they ever messaged the
bot. When Teams refuses (the app is not available to that user, the user is unknown) the caller
gets a ``DeliveryError`` that says what to do.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from microsoft_agents.activity import ChannelAccount, ConversationParameters, ConversationReference
from microsoft_agents.hosting.core import ClaimsIdentity, TurnContext

from adapters.teams import references
from adapters.teams.connection import CONNECTOR_CLIENT_KEY, transient
from custseg.errors import DeliveryError
from custseg.store.db import Store

log = logging.getLogger("custseg.teams")
CHANNEL = "msteams"
# A person, not a conversation: a Teams user id ("29:…") or an Entra object id (a GUID).
_USER_ID = re.compile(r"^29:|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


def is_user_id(target: str) -> bool:
    """Whether an outbox target names a person (post to their personal chat) rather than a conversation."""
    return bool(_USER_ID.match(target))


def no_tenant_install(user_id: str) -> DeliveryError:
    return DeliveryError(
        f"Could not message the Teams user {user_id} directly: custseg is not installed in any team or chat "
        "of your organisation yet, so Teams gives it no address to start a personal chat from. Install the "
        "app in a team (or have someone message it once), then retry the delivery.",
        retryable=False,
    )


def unreachable(user_id: str, status: int) -> DeliveryError:
    return DeliveryError(
        f"Teams refused to start a personal chat with the user {user_id} (HTTP {status}): the user is not in "
        "a tenant where custseg is installed, or the app is blocked for them. Check the teams_id under [people], "
        "or have the user add the custseg app for themselves, then retry the delivery.",
        retryable=False,
    )


async def proactive(
    adapter: Any,
    app_id: str | None,
    reference: dict[str, Any],
    callback: Callable[[TurnContext], Awaitable[None]],
) -> None:
    """Run ``callback`` in a turn of the stored conversation ``reference`` (``app_id`` None: local mode).
    Sends in that turn are new posts, not replies."""
    continuation = ConversationReference.model_validate(reference).get_continuation_activity()
    continuation.id = None
    if app_id is None:
        await adapter.continue_conversation_with_claims(ClaimsIdentity(), continuation, callback)
    else:
        await adapter.continue_conversation(app_id, continuation, callback)


async def open_personal(
    store: Store, adapter: Any, app_id: str | None, tenant_id: str | None, user_id: str
) -> references.StoredReference:
    """The personal chat with ``user_id`` (Teams user id or Entra object id), started if needed.

    Parameters
    ----------
    adapter : CloudAdapter
        The SDK adapter whose credentials start the chat.
    app_id : str, optional
        The app registration's id; None in local mode.
    tenant_id : str, optional
        Our tenant; None in local mode (then the tenant of the most recently used conversation).

    Raises
    ------
    DeliveryError
        The app is installed nowhere in the tenant, or Teams refused the chat (not retryable), or
        Teams was unreachable (retryable).
    """
    stored = await asyncio.to_thread(references.personal_reference, store, user_id)
    if stored is not None:
        return stored
    home = await asyncio.to_thread(references.tenant_reference, store, tenant_id)
    service_url = home.reference.get("serviceUrl") if home else None
    if home is None or not service_url:
        raise no_tenant_install(user_id)
    tenant = tenant_id or home.tenant_id
    bot = home.reference.get("bot") or {}
    parameters = ConversationParameters(
        is_group=False,
        agent=ChannelAccount.model_validate(bot) if bot else None,
        members=[ChannelAccount(id=user_id)],
        tenant_id=tenant,
        channel_data={"tenant": {"id": tenant}},
    )
    # Started from a turn in a conversation of the tenant: its connector client carries the app's
    # token (none in local mode), with no user-token client that local mode could not build.
    outcome: list[str | Exception] = []

    async def create(turn: TurnContext) -> None:
        try:
            client: Any = turn.turn_state[CONNECTOR_CLIENT_KEY]
            outcome.append((await client.conversations.create_conversation(parameters)).id)
        except Exception as err:  # raised below: the web adapter's turn-error handler would swallow it
            outcome.append(err)

    try:
        await proactive(adapter, app_id, home.reference, create)
    except Exception as err:
        outcome.append(err)
    started = outcome[0] if outcome else RuntimeError("the turn did not run")
    if isinstance(started, Exception):
        status = getattr(started, "status", None)
        if status in (400, 403, 404):
            raise unreachable(user_id, status)
        retryable, after = transient(started)
        what = f"HTTP {status}" if status else type(started).__name__
        raise DeliveryError(
            f"Starting a personal Teams chat with the user {user_id} failed ({what}).",
            retryable=retryable,
            retry_after=after,
        )
    reference = {
        "channelId": CHANNEL,
        "serviceUrl": service_url,
        "conversation": {
            "id": started,
            "conversationType": "personal",
            "tenantId": tenant,
            "isGroup": False,
        },
        **({"bot": bot} if bot else {}),
    }
    aad = None if user_id.startswith("29:") else user_id
    await asyncio.to_thread(
        references.save_reference,
        store,
        started,
        reference,
        kind="personal",
        tenant_id=tenant,
        user_id=None if aad else user_id,
        aad_object_id=aad,
    )
    log.info("started a personal Teams chat with a user")
    return references.StoredReference(started, "personal", None, tenant, reference, True)
