"""A stand-in for the Bot Framework's token signing, on loopback.

It serves what the Bot Framework's key discovery reads: an OpenID metadata document
(``/v1/.well-known/openidconfiguration``) naming a ``jwks_uri`` (``/v1/.well-known/keys``) with
RSA signing keys and their channel endorsements, like ``login.botframework.com`` does. It mints
tokens signed with those keys (or with a key it does not publish), with whatever claims a test
needs: the genuine Bot Connector token for our app, and every forgery an attacker would try.
``fetches`` counts how often the keys were read.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
METADATA_PATH = "/v1/.well-known/openidconfiguration"
KEYS_PATH = "/v1/.well-known/keys"


def entra_issuer(tenant_id: str) -> str:
    """The issuer of an Entra ID (v2) token of ``tenant_id``."""
    return f"https://login.microsoftonline.com/{tenant_id}/v2.0"


class _Key:
    def __init__(self, kid: str, endorsements: list[str] | None):
        self.kid = kid
        self.endorsements = endorsements
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwk(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        found = {**public, "kid": self.kid, "use": "sig", "alg": "RS256"}
        if self.endorsements is not None:
            found["endorsements"] = self.endorsements
        return found


class FakeBotFramework:
    """Signing keys and their discovery documents; ``app()`` is served by ``LoopbackServers``."""

    def __init__(self) -> None:
        self.keys = {
            "teams": _Key("bf-teams", ["msteams"]),
            "webchat": _Key("bf-webchat", ["webchat"]),  # published, endorsed for another channel
        }
        self.unpublished = _Key("attacker", ["msteams"])
        self.base_url = ""
        self.fetches = 0

    @property
    def metadata_url(self) -> str:
        return f"{self.base_url}{METADATA_PATH}"

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get(METADATA_PATH, self._metadata)
        app.router.add_get(KEYS_PATH, self._keys)
        return app

    async def _metadata(self, request: web.Request) -> web.Response:
        base = f"{request.scheme}://{request.host}"
        return web.json_response(
            {
                "issuer": BOT_FRAMEWORK_ISSUER,
                "authorization_endpoint": "https://invalid.botframework.com",
                "jwks_uri": f"{base}{KEYS_PATH}",
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _keys(self, request: web.Request) -> web.Response:
        self.fetches += 1
        return web.json_response({"keys": [k.jwk() for k in self.keys.values()]})

    def token(
        self,
        audience: str,
        service_url: str,
        *,
        issuer: str = BOT_FRAMEWORK_ISSUER,
        key: str = "teams",
        lifetime: float = 600,
        **claims: Any,
    ) -> str:
        """A signed token (``key``: "teams", "webchat" or "unpublished")."""
        signer = self.unpublished if key == "unpublished" else self.keys[key]
        now = int(time.time())
        body = {
            "iss": issuer,
            "aud": audience,
            "serviceurl": service_url,
            "nbf": now - 5,
            "iat": now - 5,
            "exp": now + int(lifetime),
            "jti": uuid.uuid4().hex,
            **claims,
        }
        return jwt.encode(body, signer.private, algorithm="RS256", headers={"kid": signer.kid})
