"""Registering and changing SSO clients (department applications and their systems).

Every service validates first, writes inside one transaction and records an audit entry.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import (
    AbstractApplication,
    get_application_model,
)

from ecity.audit.services import audit_record
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.identity.models import User
from ecity.org import selectors as org_selectors
from ecity.org.models import Department
from ecity.sso.claims import ClaimGroup, known_groups
from ecity.sso.models import ClientPolicy

logger = logging.getLogger("ecity.sso")

# Plain http:// redirect addresses are accepted only for these hosts (local testing).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
CLIENT_TYPES = (AbstractApplication.CLIENT_CONFIDENTIAL, AbstractApplication.CLIENT_PUBLIC)


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
