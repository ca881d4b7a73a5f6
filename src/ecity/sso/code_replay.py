"""Replayed authorisation codes (RFC 6749 §4.1.2): remember what a code produced, revoke it.

When a code is exchanged, ``code_redeemed_record`` keeps a digest of it with the access token
and the refresh-token family it produced. A later exchange of the same code means the code
leaked (or a client is misbehaving): ``code_replay_revoke`` revokes every token of that family
(the refresh tokens rotated since, and their access tokens) and records ``sso.code_replayed`` in
the audit trail, with the account as data subject. Records are dropped once no token from the
code can still be alive (the refresh-token lifetime).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken
from oauth2_provider.settings import oauth2_settings

from ecity.audit.services import audit_record
from ecity.sso.models import RedeemedCode

logger = logging.getLogger("ecity.sso")


def code_digest(code: str) -> str:
    """SHA-256 of a code: enough to recognise it, useless to redeem it."""
    return hashlib.sha256(code.encode()).hexdigest()


def _keep_for() -> timedelta:
    return timedelta(
        seconds=max(
            int(oauth2_settings.REFRESH_TOKEN_EXPIRE_SECONDS or 0),
            int(oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS or 0),
            int(oauth2_settings.AUTHORIZATION_CODE_EXPIRE_SECONDS or 0),
        )
    )


def code_redeemed_record(*, code: str, application: Any, user: Any, access_token: Any) -> None:
    """Remember that ``code`` was exchanged for ``access_token`` (and its refresh token)."""
    refresh = RefreshToken.objects.filter(access_token=access_token).only("token_family").first()
    RedeemedCode.objects.create(
        code_digest=code_digest(code),
        application=application,
        user=user,
        access_token_id_issued=access_token.pk if access_token is not None else None,
        token_family=refresh.token_family if refresh is not None else None,
    )
    RedeemedCode.objects.filter(redeemed_at__lt=timezone.now() - _keep_for()).delete()


@transaction.atomic
def code_replay_revoke(*, code: str, application: Any) -> int:
    """Revoke every token issued from ``code`` when it was already redeemed; return how many.

    Returns 0 (and does nothing) for a code that was never redeemed by ``application``: an
    unknown or expired code is refused by the caller as usual. Audited as ``sso.code_replayed``.
    """
    record = (
        RedeemedCode.objects.select_for_update()
        .filter(code_digest=code_digest(code), application=application)
        .select_related("user")
        .first()
    )
    if record is None:
        return 0
    access_tokens = 0
    refresh_tokens = 0
    if record.token_family is not None:
        for refresh in RefreshToken.objects.filter(
            token_family=record.token_family, revoked__isnull=True
        ):
            if refresh.access_token_id is not None:
                access_tokens += 1
            refresh.revoke()
            refresh_tokens += 1
    if record.access_token_id_issued is not None:
        access_tokens += AccessToken.objects.filter(pk=record.access_token_id_issued).delete()[0]
    record.replayed_at = timezone.now()
    record.save(update_fields=["replayed_at"])
    logger.warning(
        "authorisation code replayed for client %s: %d tokens revoked",
        application.client_id,
        access_tokens + refresh_tokens,
    )
    audit_record(
        actor=None,
        action="sso.code_replayed",
        subject=record.user,
        data={
            "client_id": application.client_id,
            "redeemed_at": record.redeemed_at.isoformat(),
            "revoked_access_tokens": access_tokens,
            "revoked_refresh_tokens": refresh_tokens,
        },
    )
    return access_tokens + refresh_tokens
