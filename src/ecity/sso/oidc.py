"""ecity's plug-ins for django-oauth-toolkit: the request validator and the scopes backend.

The validator decides which claims leave the platform (allowed by the client's policy ∩ consented
in the person's federation ∩ granted in the token's scopes), signs ID tokens with the key store's
current key (``kid`` in the header), refuses inactive clients, expired refresh tokens and tokens
of unlinked federations.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.db import router, transaction
from django.utils import timezone
from jwcrypto import jwt
from jwcrypto.common import base64url_decode
from oauth2_provider.models import get_id_token_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes
from oauth2_provider.settings import oauth2_settings

from ecity.sso import keys, selectors
from ecity.sso.claims import CLAIM_SCOPE, OPENID_SCOPE
from ecity.sso.code_replay import code_redeemed_record, code_replay_revoke


class PolicyScopes(BaseScopes):
    """Scopes are "openid" plus the claim groups; a client may use those its policy allows."""

    def get_all_scopes(self) -> dict[str, str]:
        return dict(oauth2_settings.SCOPES)

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        if application is None:
            return list(oauth2_settings.SCOPES)
        return [OPENID_SCOPE, *selectors.allowed_claim_groups(application=application)]

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return list(oauth2_settings.DEFAULT_SCOPES)


class EcityOAuth2Validator(OAuth2Validator):
    oidc_claim_scope = CLAIM_SCOPE

    # --- clients -------------------------------------------------------------------------------

    def _load_application(self, client_id: str, request: Any) -> Any:
        application = super()._load_application(client_id, request)
        if application is not None and not selectors.client_is_usable(application=application):
            request.client = None
            return None
        return application

    # --- redirect URIs -------------------------------------------------------------------------

    def validate_redirect_uri(
        self, client_id: str, redirect_uri: str, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        """The redirect URI must be one of the registered ones, character for character.

        DOT also accepts a registered URI with extra query parameters (and any port on a
        loopback address): ``…/callback?next=https://evil.example`` would receive the code and
        hand it to whatever the client does with ``next``. OAuth 2.0 Security BCP §4.1.3 asks
        for exact string matching.
        """
        registered = (request.client.redirect_uris or "").split()
        return redirect_uri in registered

    # --- authorisation codes --------------------------------------------------------------------

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if super().validate_code(client_id, code, client, request, *args, **kwargs):
            return True
        # Not a live code: if it was redeemed before, it leaked; revoke what it produced.
        code_replay_revoke(code=code, application=client)
        return False

    def _create_access_token(
        self, expires: Any, request: Any, token: dict, source_refresh_token: Any = None
    ) -> Any:
        access_token = super()._create_access_token(
            expires, request, token, source_refresh_token=source_refresh_token
        )
        request.ecity_access_token = access_token
        return access_token

    def _save_bearer_token(self, token: dict, request: Any, *args: Any, **kwargs: Any) -> Any:
        result = super()._save_bearer_token(token, request, *args, **kwargs)
        if request.grant_type == "authorization_code" and getattr(request, "code", None):
            code_redeemed_record(
                code=request.code,
                application=request.client,
                user=request.user,
                access_token=getattr(request, "ecity_access_token", None),
            )
        return result

    # --- scopes --------------------------------------------------------------------------------

    def validate_scopes(
        self,
        client_id: str,
        scopes: list[str],
        client: Any,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        """Unknown scopes are an error; known scopes the client may not use are dropped.

        Dropping (RFC 6749 §3.3) means a client asking for more than it was registered for still
        signs people in, and never receives the extra data.
        """
        if not set(scopes) <= set(oauth2_settings.SCOPES):
            return False
        allowed = {OPENID_SCOPE, *selectors.allowed_claim_groups(application=client)}
        request.scopes = [scope for scope in scopes if scope in allowed]
        return True

    # prompt=none: oauthlib asks these before the view knows the session; the authorization view
    # itself answers login_required / consent_required (see ecity.sso.views).
    def validate_silent_login(self, request: Any) -> bool:
        return True

    def validate_silent_authorization(self, request: Any) -> bool:
        return True

    # --- tokens --------------------------------------------------------------------------------

    def validate_bearer_token(self, token: str, scopes: list[str], request: Any) -> bool:
        if not super().validate_bearer_token(token, scopes, request):
            return False
        if request.user is None or not request.user.is_active:
            return False
        return (
            selectors.federation_active(user=request.user, application=request.client) is not None
        )

    def validate_refresh_token(
        self, refresh_token: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            return False
        instance = request.refresh_token_instance
        lifetime = oauth2_settings.REFRESH_TOKEN_EXPIRE_SECONDS
        # DOT leaves expiry to its clean-up command; an expired refresh token must fail now.
        if lifetime and instance.created < timezone.now() - timedelta(seconds=lifetime):
            return False
        if not instance.user.is_active:
            return False
        return selectors.federation_active(user=instance.user, application=client) is not None

    # --- claims --------------------------------------------------------------------------------

    def get_claim_dict(self, request: Any) -> dict[str, Any]:
        return {"sub": str(request.user.public_id), **self.get_additional_claims(request)}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        return selectors.released_claims(
            user=request.user, application=request.client, scopes=request.scopes
        )

    def get_discovery_claims(self, request: Any) -> list[str]:
        return list(CLAIM_SCOPE)

    # --- signing -------------------------------------------------------------------------------

    def finalize_id_token(
        self, id_token: dict, token: dict, token_handler: Any, request: Any
    ) -> str:
        claims, expiration_time = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**claims)
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce
        key = keys.current_signing_key()
        header = {"typ": "JWT", "alg": keys.ALGORITHM, "kid": key.thumbprint()}
        signed = jwt.JWT(header=json.dumps(header), claims=json.dumps(id_token, default=str))
        signed.make_signed_token(key)
        model = get_id_token_model()
        with transaction.atomic(using=router.db_for_write(model)):
            record = self._save_id_token(id_token["jti"], request, expiration_time)
        request.access_token = record
        request.id_token = record
        return signed.serialize()

    def _get_key_for_token(self, token: str) -> Any:
        """The published key named by the token's ``kid``, if the token names a known client."""
        try:
            header_b64, payload_b64 = token.split(".")[:2]
            header = json.loads(base64url_decode(header_b64))
            payload = json.loads(base64url_decode(payload_b64))
        except ValueError:
            return None
        if not isinstance(header, dict) or not isinstance(payload, dict):
            return None
        if "aud" not in payload or self._get_client_by_audience(payload["aud"]) is None:
            return None
        return keys.verification_key(header.get("kid"))
