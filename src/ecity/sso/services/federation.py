"""Federation: linking a platform account to a department application's account, and unlinking.

Every service validates first, writes inside one transaction and records an audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import (
    AbstractApplication,
    get_access_token_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from ecity.audit.services import audit_record
from ecity.core.errors import Conflict, NotFound
from ecity.identity.models import User
from ecity.sso import selectors
from ecity.sso.claims import known_groups
from ecity.sso.models import Federation


@transaction.atomic
def federation_link(
    *,
    user: User,
    application: AbstractApplication,
    claims: Iterable[str],
    request: HttpRequest | None = None,
) -> Federation:
    """Link ``user``'s identity to ``application`` with consent to ``claims`` (or extend it).

    The consent is what the person saw and allowed on the consent page; claim groups the
    application may not receive are ignored. Audited as ``sso.federation_linked`` with the
    groups added. Raises ``NotFound`` for an application that may not sign people in.
    """
    if not selectors.client_is_usable(application=application):
        raise NotFound(_("This application is not registered with the platform."))
    allowed = set(selectors.allowed_claim_groups(application=application))
    wanted = {group for group in known_groups(claims) if group in allowed}
    federation = (
        Federation.objects.select_for_update()
        .filter(user=user, application=application, revoked_at__isnull=True)
        .first()
    )
    if federation is None:
        federation = Federation.objects.create(
            user=user, application=application, consented_claims=known_groups(wanted)
        )
        added = known_groups(wanted)
    else:
        added = known_groups(wanted - set(federation.consented_claims))
        if not added:
            return federation
        federation.consented_claims = known_groups({*federation.consented_claims, *wanted})
        federation.save(update_fields=["consented_claims", "updated_at"])
    audit_record(
        actor=user,
        action="sso.federation_linked",
        obj=federation,
        subject=user,
        fields=added,
        request=request,
        data={
            "client_id": application.client_id,
            "consented_claims": federation.consented_claims,
            "added": added,
        },
    )
    return federation


@transaction.atomic
def federation_sign_in(
    *,
    federation: Federation,
    claims: Iterable[str],
    acting_for: dict | None,
    request: HttpRequest | None = None,
) -> Federation:
    """Record a sign-in through ``federation``: when, and which enterprise the person acts for.

    The enterprise snapshot is what the ``ecity_acting_for`` claim reports until the next
    sign-in. Audited as ``sso.signed_in`` with the claim groups released (personal data leaving
    the platform).
    """
    federation.last_sign_in_at = timezone.now()
    federation.acting_for = acting_for
    federation.save(update_fields=["last_sign_in_at", "acting_for", "updated_at"])
    released = [group for group in known_groups(claims) if group in federation.consented_claims]
    audit_record(
        actor=federation.user,
        action="sso.signed_in",
        obj=federation,
        subject=federation.user,
        fields=released,
        request=request,
        data={"client_id": federation.application.client_id},
    )
    return federation


def _revoke_tokens(*, user: User, application: AbstractApplication) -> dict[str, int]:
    now = timezone.now()
    refresh = (
        get_refresh_token_model()
        .objects.filter(user=user, application=application, revoked__isnull=True)
        .update(revoked=now, access_token=None)
    )
    access, _ = get_access_token_model().objects.filter(user=user, application=application).delete()
    id_tokens, _ = get_id_token_model().objects.filter(user=user, application=application).delete()
    grants, _ = get_grant_model().objects.filter(user=user, application=application).delete()
    return {"refresh": refresh, "access": access, "id": id_tokens, "grants": grants}


@transaction.atomic
def federation_unlink(
    *, actor: User, federation: Federation, request: HttpRequest | None = None
) -> Federation:
    """Unlink an application: end the link and revoke every token and code it holds for the person.

    Only the person themselves may unlink. The next sign-in to the application asks for consent
    again. Audited as ``sso.federation_unlinked``. Raises ``NotFound`` for someone else's link
    and ``Conflict`` when already unlinked.
    """
    if federation.user_id != actor.pk:
        raise NotFound(_("No such linked application among yours."))
    federation = Federation.objects.select_for_update().get(pk=federation.pk)
    if federation.revoked_at is not None:
        raise Conflict(_("This application is already unlinked."))
    federation.revoked_at = timezone.now()
    federation.save(update_fields=["revoked_at", "updated_at"])
    revoked = _revoke_tokens(user=actor, application=federation.application)
    audit_record(
        actor=actor,
        action="sso.federation_unlinked",
        obj=federation,
        subject=actor,
        request=request,
        data={"client_id": federation.application.client_id, "revoked": revoked},
    )
    return federation
