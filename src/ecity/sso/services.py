"""Writes for single sign-on: registering clients, linking and unlinking, rotating signing keys.

Every service validates first, writes inside one transaction and records an audit entry.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import (
    AbstractApplication,
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from ecity.audit.services import audit_record
from ecity.core import vault
from ecity.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ecity.core.models import SigningKey
from ecity.identity.models import User
from ecity.org import selectors as org_selectors
from ecity.org.models import Department
from ecity.sso import keys, selectors
from ecity.sso.claims import ClaimGroup, known_groups
from ecity.sso.models import ClientPolicy, Federation

logger = logging.getLogger("ecity.sso")

# Plain http:// redirect addresses are accepted only for these hosts (local testing).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
CLIENT_TYPES = (AbstractApplication.CLIENT_CONFIDENTIAL, AbstractApplication.CLIENT_PUBLIC)


# --- clients ---------------------------------------------------------------------------------


def _uri_problem(uri: str) -> str | None:
    parts = urlsplit(uri)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        return _("“%(uri)s” is not a full https:// address.") % {"uri": uri}
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        return _(
            "“%(uri)s” must use https://. Plain http:// is accepted only for 127.0.0.1 or "
            "localhost, for testing."
        ) % {"uri": uri}
    if parts.fragment or uri.endswith("#"):
        return _("“%(uri)s” must not contain a fragment (#…).") % {"uri": uri}
    if "*" in uri:
        return _("“%(uri)s” must not contain wildcards (*).") % {"uri": uri}
    if parts.username or parts.password:
        return _("“%(uri)s” must not contain a user name or password.") % {"uri": uri}
    return None


def split_uris(value: str | Sequence[str]) -> list[str]:
    """Split addresses given one per line or separated by spaces; drop blanks and duplicates."""
    items = value.split() if isinstance(value, str) else [u.strip() for u in value]
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen


def validate_client_fields(
    *,
    name: str,
    client_type: str,
    redirect_uris: Sequence[str],
    post_logout_redirect_uris: Sequence[str],
    allowed_claims: Iterable[str],
    department: Department | None,
) -> None:
    """Check a client registration; raises ``ValidationFailed`` naming every problem."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Enter the application's name.")]
    if client_type not in CLIENT_TYPES:
        errors["client_type"] = [_("Choose whether the application can keep a secret.")]
    if department is None:
        errors["department"] = [_("Choose the department that runs the application.")]
    elif not department.is_active:
        errors["department"] = [_("This department is no longer active.")]
    if not redirect_uris:
        errors["redirect_uris"] = [_("Enter at least one redirect address.")]
    problems = [p for p in (_uri_problem(u) for u in redirect_uris) if p]
    if problems:
        errors["redirect_uris"] = problems
    problems = [p for p in (_uri_problem(u) for u in post_logout_redirect_uris) if p]
    if problems:
        errors["post_logout_redirect_uris"] = problems
    unknown = set(allowed_claims) - set(ClaimGroup.values)
    if unknown:
        errors["allowed_claims"] = [
            _("Unknown claim groups: %(groups)s.") % {"groups": ", ".join(sorted(unknown))}
        ]
    if errors:
        raise ValidationFailed(fields=errors)


def _require_platform_admin(actor: User) -> None:
    if not org_selectors.is_platform_admin(user=actor):
        raise PermissionDenied(_("Only platform administrators can register applications."))


@transaction.atomic
def client_register(
    *,
    actor: User,
    name: str,
    department: Department | None,
    client_type: str,
    redirect_uris: Sequence[str],
    post_logout_redirect_uris: Sequence[str] = (),
    allowed_claims: Iterable[str] = (),
    description: str = "",
    contact: str = "",
    is_active: bool = True,
    request: HttpRequest | None = None,
) -> tuple[AbstractApplication, str]:
    """Register a department application as an OpenID Connect client; return it and its secret.

    Rules: platform administrators only; redirect addresses must be https:// (http:// only for
    127.0.0.1/localhost); authorization code flow with PKCE; ID tokens signed with RS256. The
    client secret is stored hashed, so the returned plain secret must be shown once and never
    again ("" for public clients, which have none). Audited as ``sso.client_created``.
    Raises ``PermissionDenied`` or ``ValidationFailed``.
    """
    _require_platform_admin(actor)
    redirect_uris = split_uris(redirect_uris)
    post_logout_redirect_uris = split_uris(post_logout_redirect_uris)
    claims = known_groups(allowed_claims)
    validate_client_fields(
        name=name,
        client_type=client_type,
        redirect_uris=redirect_uris,
        post_logout_redirect_uris=post_logout_redirect_uris,
        allowed_claims=allowed_claims,
        department=department,
    )
    assert department is not None  # checked above
    secret = generate_client_secret()
    application = get_application_model()(
        name=name.strip(),
        client_type=client_type,
        authorization_grant_type=AbstractApplication.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirect_uris),
        post_logout_redirect_uris=" ".join(post_logout_redirect_uris),
        algorithm=AbstractApplication.RS256_ALGORITHM,
        client_secret=secret,
        hash_client_secret=True,
        skip_authorization=False,
    )
    application.save()
    policy = ClientPolicy.objects.create(
        application=application,
        department=department,
        allowed_claims=claims,
        description=description.strip(),
        contact=contact.strip(),
        is_active=is_active,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="sso.client_created",
        obj=policy,
        request=request,
        data={
            "client_id": application.client_id,
            "name": application.name,
            "department": department.code,
            "client_type": client_type,
            "allowed_claims": claims,
            "redirect_uris": redirect_uris,
        },
    )
    plain = secret if client_type == AbstractApplication.CLIENT_CONFIDENTIAL else ""
    return application, plain


@transaction.atomic
def system_client_register(
    *,
    actor: User,
    name: str,
    department: Department | None,
    description: str = "",
    contact: str = "",
    request: HttpRequest | None = None,
) -> tuple[AbstractApplication, str]:
    """Register a department system (a server, no user) with client credentials; return its secret.

    The system authenticates with the OAuth 2.0 client credentials grant (RFC 6749 §4.4) at the
    token endpoint and calls APIs on behalf of its department
    (``selectors.system_client_for_token``); it signs nobody in, so it has no redirect address
    and receives no claims. Rules: platform administrators only; a name and an active
    department. The secret is stored hashed and returned once. Audited as
    ``sso.client_created``. Raises ``PermissionDenied`` or
    ``ValidationFailed``.
    """
    _require_platform_admin(actor)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Enter the application's name.")]
    if department is None:
        errors["department"] = [_("Choose the department that runs the application.")]
    elif not department.is_active:
        errors["department"] = [_("This department is no longer active.")]
    if errors:
        raise ValidationFailed(fields=errors)
    assert department is not None  # checked above
    secret = generate_client_secret()
    application = get_application_model()(
        name=name.strip(),
        client_type=AbstractApplication.CLIENT_CONFIDENTIAL,
        authorization_grant_type=AbstractApplication.GRANT_CLIENT_CREDENTIALS,
        redirect_uris="",
        client_secret=secret,
        hash_client_secret=True,
        skip_authorization=True,
    )
    application.save()
    policy = ClientPolicy.objects.create(
        application=application,
        department=department,
        allowed_claims=[],
        description=description.strip(),
        contact=contact.strip(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="sso.client_created",
        obj=policy,
        request=request,
        data={
            "client_id": application.client_id,
            "name": application.name,
            "department": department.code,
            "grant_type": AbstractApplication.GRANT_CLIENT_CREDENTIALS,
        },
    )
    return application, secret


@transaction.atomic
def client_update(
    *,
    actor: User,
    application: AbstractApplication,
    name: str,
    department: Department | None,
    client_type: str,
    redirect_uris: Sequence[str],
    post_logout_redirect_uris: Sequence[str] = (),
    allowed_claims: Iterable[str] = (),
    description: str = "",
    contact: str = "",
    is_active: bool = True,
    request: HttpRequest | None = None,
) -> AbstractApplication:
    """Change a registered application and its policy; audited as ``sso.client_changed``.

    Narrowing the allowed claims takes effect at once: tokens already issued stop releasing the
    removed claims. Same rules and errors as ``client_register``.
    """
    _require_platform_admin(actor)
    redirect_uris = split_uris(redirect_uris)
    post_logout_redirect_uris = split_uris(post_logout_redirect_uris)
    claims = known_groups(allowed_claims)
    validate_client_fields(
        name=name,
        client_type=client_type,
        redirect_uris=redirect_uris,
        post_logout_redirect_uris=post_logout_redirect_uris,
        allowed_claims=allowed_claims,
        department=department,
    )
    application = get_application_model().objects.select_for_update().get(pk=application.pk)
    policy = ClientPolicy.objects.filter(application=application).first()
    if policy is None:
        policy = ClientPolicy(application=application, created_by=actor)
    before = {
        "name": application.name,
        "client_type": application.client_type,
        "redirect_uris": application.redirect_uris,
        "post_logout_redirect_uris": application.post_logout_redirect_uris,
        "department": policy.department_id if policy.pk else None,
        "allowed_claims": list(policy.allowed_claims) if policy.pk else [],
        "description": policy.description,
        "contact": policy.contact,
        "is_active": policy.is_active if policy.pk else None,
    }
    application.name = name.strip()
    application.client_type = client_type
    application.redirect_uris = " ".join(redirect_uris)
    application.post_logout_redirect_uris = " ".join(post_logout_redirect_uris)
    if application.authorization_grant_type != AbstractApplication.GRANT_CLIENT_CREDENTIALS:
        # A department system (``system_client_register``) stays one: it signs nobody in.
        application.authorization_grant_type = AbstractApplication.GRANT_AUTHORIZATION_CODE
    application.algorithm = AbstractApplication.RS256_ALGORITHM
    application.save()
    assert department is not None  # checked above
    policy.department = department
    policy.allowed_claims = claims
    policy.description = description.strip()
    policy.contact = contact.strip()
    policy.is_active = is_active
    policy.save()
    after = {
        "name": application.name,
        "client_type": application.client_type,
        "redirect_uris": application.redirect_uris,
        "post_logout_redirect_uris": application.post_logout_redirect_uris,
        "department": policy.department_id,
        "allowed_claims": claims,
        "description": policy.description,
        "contact": policy.contact,
        "is_active": policy.is_active,
    }
    changed = sorted(key for key in after if after[key] != before[key])
    if changed:
        audit_record(
            actor=actor,
            action="sso.client_changed",
            obj=policy,
            fields=changed,
            request=request,
            data={"client_id": application.client_id, "allowed_claims": claims},
        )
    return application


@transaction.atomic
def client_secret_reset(
    *, actor: User, application: AbstractApplication, request: HttpRequest | None = None
) -> str:
    """Give a confidential client a new secret and return it (shown once; the old one stops).

    Audited as ``sso.client_secret_reset``. Raises ``PermissionDenied``, or ``Conflict`` for a
    public client, which has no secret.
    """
    _require_platform_admin(actor)
    if application.client_type != AbstractApplication.CLIENT_CONFIDENTIAL:
        raise Conflict(_("A public client has no secret."))
    secret = generate_client_secret()
    application.client_secret = secret
    application.hash_client_secret = True
    application.save(update_fields=["client_secret", "hash_client_secret", "updated"])
    audit_record(
        actor=actor,
        action="sso.client_secret_reset",
        obj=application,
        request=request,
        data={"client_id": application.client_id},
    )
    return secret


# --- federation ------------------------------------------------------------------------------


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


# --- signing keys ----------------------------------------------------------------------------


def signing_key_rotation_check() -> None:
    """Refuse to rotate the ID-token key while ECITY_OIDC_PRIVATE_KEY decides which key signs.

    Registered as the vault's rotation guard for purpose ``oidc`` (``SsoConfig.ready``), so the
    ``keys`` command, the admin and ``signing_key_rotate`` all refuse alike. Raises ``Conflict``.
    """
    if keys.env_private_pem():
        raise Conflict(
            _(
                "ECITY_OIDC_PRIVATE_KEY is set, so the environment chooses the signing key. Run "
                "“keys import --purpose oidc --from-setting ECITY_OIDC_PRIVATE_KEY”, then change "
                "the variable and restart."
            )
        )


def signing_key_rotate(*, actor: User | None = None, retire_previous: bool = False) -> SigningKey:
    """Make a new ID-token key current; the old current key stays published as "previous".

    With ``retire_previous`` the keys that were already "previous" stop being published (do it
    once every token they signed has expired and clients have refreshed their JWKS cache).
    Audited as ``keys.rotated`` by the vault. Raises ``Conflict`` when ECITY_OIDC_PRIVATE_KEY
    is set, because then the environment decides which key signs.
    """
    signing_key_rotation_check()
    return vault.key_rotate(purpose=keys.PURPOSE, actor=actor, retire_previous=retire_previous)


def signing_key_retire(*, kid: str, actor: User | None = None) -> SigningKey:
    """Stop publishing a previous key. Raises ``NotFound``, or ``Conflict`` for the current key."""
    return vault.key_retire(purpose=keys.PURPOSE, kid=kid, actor=actor)


def signing_key_keep_env(*, actor: User | None = None) -> SigningKey:
    """Store the ECITY_OIDC_PRIVATE_KEY key in the vault as "previous" so it stays published.

    Run before changing the variable: tokens signed with the old key keep verifying. Raises
    ``Conflict`` when the variable is not set. Audited as ``keys.rotated`` when new.
    """
    pem = keys.env_private_pem()
    if not pem:
        raise Conflict(_("ECITY_OIDC_PRIVATE_KEY is not set."))
    keys.current_signing_key()  # fails clearly on a malformed variable
    record, _created = vault.key_import(purpose=keys.PURPOSE, private_pem=pem, actor=actor)
    return record


def describe_claims(groups: Iterable[str]) -> list[str]:
    """Human-readable names of claim groups (for messages)."""
    return [str(ClaimGroup(group).label) for group in known_groups(groups)]
