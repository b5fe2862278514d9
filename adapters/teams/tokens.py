"""Who may call ``/api/messages``: the Bot Connector, proven by the token it signs.

The Bot Framework's channel authentication, checked in full before an Activity reaches the SDK:

1. the token is an RS256 JWT signed by a key the Bot Framework publishes: the keys are discovered
   as its SDKs do, from the OpenID metadata document (``[msteams] openid_metadata_url``) to its
   ``jwks_uri``, kept a day, fetched again at most every five minutes for an unknown key id;
2. its issuer is the Bot Framework's (``https://api.botframework.com``) and nobody else's: an
   Entra ID token, of our tenant or another, is not the Bot Connector speaking;
3. its audience is our app id (a token for another app is refused);
4. the signing key is endorsed for the Activity's channel (``msteams``);
5. its ``serviceurl`` claim is the Activity's ``serviceUrl``: replies go only where the Bot
   Framework said this conversation lives;
6. a ``tid`` claim, when present, is our tenant.

Anything else is refused (401 for a token that does not prove the caller, 403 for a genuine token
that does not cover this request) before anything is answered or decided. The SDK's own check is
not used because it accepts Entra issuers (issuer checking is off by default, and on it still
trusts Microsoft's first-party tenants), compares only the serviceUrl's host, and has its key
locations built in.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from typing import Any

import aiohttp
import jwt
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import ClaimsIdentity
from yarl import URL

from config.sections import is_loopback_host

log = logging.getLogger("custseg.teams")

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
KEEP_KEYS_S = 24 * 3600.0
REFETCH_AFTER_S = 300.0
FETCH_TIMEOUT_S = 10.0
LEEWAY_S = 300.0


class Refused(Exception):
    """A request the token does not allow: the HTTP status and a short reason (no token content)."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def same_service_url(a: str | None, b: str | None) -> bool:
    """Whether two serviceUrls name the same endpoint (scheme and host case-insensitive, one
    trailing slash ignored)."""
    if not a or not b:
        return False
    try:
        ua, ub = URL(a.strip()), URL(b.strip())
    except ValueError:
        return False
    if not ua.host or not ub.host:
        return False
    return (
        ua.scheme.lower() == ub.scheme.lower()
        and ua.host.lower() == ub.host.lower()
        and ua.port == ub.port
        and ua.path.rstrip("/") == ub.path.rstrip("/")
    )


def allowed_service_url(url: str | None, extra_hosts: list[str]) -> bool:
    """A serviceUrl custseg may answer: https on one of ``extra_hosts`` (or below it), or plain
    http on one of them that is this machine. Microsoft's hosts are the SDK's host validator's."""
    try:
        parsed = URL(url or "")
    except ValueError:
        return False
    host = (parsed.host or "").lower()
    if not host or parsed.user or parsed.password:
        return False
    listed = any(host == h.lower() or host.endswith("." + h.lower()) for h in extra_hosts)
    if not listed:
        return False
    return parsed.scheme == "https" or (parsed.scheme == "http" and is_loopback_host(host))


class SigningKeys:
    """The Bot Framework's published signing keys, by key id, with their endorsements."""

    def __init__(self, metadata_url: str, clock: Any = time.monotonic):
        self.metadata_url = metadata_url
        self.clock = clock
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched_at = -math.inf
        self._tried_at = -math.inf
        self._lock = asyncio.Lock()

    async def _fetch(self) -> dict[str, dict[str, Any]]:
        timeout = aiohttp.ClientTimeout(total=FETCH_TIMEOUT_S)
        async with aiohttp.ClientSession(timeout=timeout, trust_env=False) as session:
            async with session.get(self.metadata_url) as response:
                response.raise_for_status()
                metadata = await response.json(content_type=None)
            jwks_uri = metadata.get("jwks_uri") if isinstance(metadata, dict) else None
            if not isinstance(jwks_uri, str):
                raise ValueError("the OpenID metadata names no jwks_uri")
            async with session.get(jwks_uri) as response:
                response.raise_for_status()
                document = await response.json(content_type=None)
        keys = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(keys, list):
            raise ValueError("the key set has no keys")
        return {k["kid"]: k for k in keys if isinstance(k, dict) and isinstance(k.get("kid"), str)}

    async def get(self, kid: str) -> dict[str, Any] | None:
        """The published key ``kid`` (a JWK dict), or None when the Bot Framework has no such key.

        Raises ``Refused`` (503) when the keys cannot be fetched and none are known yet.
        """
        now = self.clock()
        fresh = now - self._fetched_at < KEEP_KEYS_S
        if kid in self._keys and fresh:
            return self._keys[kid]
        async with self._lock:
            now = self.clock()
            stale = now - self._fetched_at >= KEEP_KEYS_S
            # An unknown key id may be a new key: fetch again, but not more often than every few
            # minutes, so made-up key ids cannot make us hammer the Bot Framework.
            if (stale or kid not in self._keys) and now - self._tried_at >= REFETCH_AFTER_S:
                self._tried_at = now
                try:
                    self._keys = await self._fetch()
                    self._fetched_at = now
                except (TimeoutError, aiohttp.ClientError, ValueError, TypeError) as err:
                    log.warning("could not fetch the Bot Framework signing keys: %s", type(err).__name__)
            if not self._keys:
                raise Refused(503, "the Bot Framework signing keys cannot be fetched")
            return self._keys.get(kid)


class TokenCheck:
    """Checks the ``Authorization`` header of one request against its Activity (see the module)."""

    def __init__(self, app_id: str, tenant_id: str, keys: SigningKeys):
        self.app_id = app_id
        self.tenant_id = tenant_id
        self.keys = keys

    async def check(self, authorization: str | None, activity: Activity) -> ClaimsIdentity:
        """The token's verified claims; ``Refused`` otherwise."""
        parts = (authorization or "").split()
        if len(parts) != 2 or parts[0].lower() != "bearer":
            raise Refused(401, "a Bot Framework token is required")
        token = parts[1]
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Refused(401, "the token is not a JWT") from None
        kid = header.get("kid")
        if header.get("alg") != "RS256" or not isinstance(kid, str):
            raise Refused(401, "the token is not signed the way the Bot Framework signs")
        jwk = await self.keys.get(kid)
        if jwk is None:
            raise Refused(401, "the token is signed with a key the Bot Framework does not publish")
        try:
            key = jwt.PyJWK(jwk, "RS256")
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                audience=self.app_id,
                issuer=BOT_FRAMEWORK_ISSUER,
                leeway=LEEWAY_S,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.InvalidAudienceError:
            raise Refused(401, "the token is for another app") from None
        except jwt.InvalidIssuerError:
            raise Refused(401, "the token was not issued by the Bot Framework") from None
        except jwt.ExpiredSignatureError:
            raise Refused(401, "the token has expired") from None
        except (jwt.PyJWTError, ValueError, TypeError):
            raise Refused(401, "the token is not valid") from None
        endorsements = jwk.get("endorsements")
        if not isinstance(endorsements, list) or activity.channel_id not in endorsements:
            raise Refused(403, "the token's key is not endorsed for this channel")
        tid = claims.get("tid")
        if tid is not None and str(tid).lower() != self.tenant_id.lower():
            raise Refused(403, "the token is for another tenant")
        if not same_service_url(claims.get("serviceurl"), activity.service_url):
            raise Refused(403, "the serviceUrl is not the one the token endorses")
        return ClaimsIdentity(claims, security_token=token)
