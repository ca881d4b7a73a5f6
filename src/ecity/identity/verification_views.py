"""Pages of real-name verification: "Get verified" for citizens, the clerk's counter pages.

Thin callers of ``identity.services`` (verification, enterprises) and ``identity.selectors``.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ecity.audit.services import audit_personal_data_read
from ecity.core.errors import ApplicationError, NotFound
from ecity.core.forms import add_application_error
from ecity.identity import forms, selectors, services
from ecity.identity.errors import IdentityLevelRequired
from ecity.identity.models import IdentityLevel, LegalEntity, User
from ecity.identity.providers import providers_enabled
from ecity.identity.registries import person_registry


def level_required_page(request: HttpRequest, error: IdentityLevelRequired) -> HttpResponse:
    """The page that says a verified identity is needed here, and how to get one (403)."""
    return render(
        request,
        "identity/level_required.html",
        {"message": error.message, "account": request.user},
        status=403,
    )


def handles_level_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Show ``level_required_page`` when the view meets ``IdentityLevelRequired``."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except IdentityLevelRequired as error:
            return level_required_page(request, error)

    return wrapper


# --- citizens: get verified ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Where one's level stands and the ways to raise it: online providers, registry, counter."""
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        try:
            if request.POST.get("action") == "registry":
                services.citizen_verify_by_registry(user=user)
            else:
                target = services.citizen_verification_start(
                    user=user,
                    provider_name=str(request.POST.get("provider") or ""),
                    session=request.session,
                    # Absolute: the provider is another site that sends the browser back.
                    callback_url=request.build_absolute_uri(reverse("identity:verify_callback")),
                )
                if target:
                    return redirect(target)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            _level_message(request, user)
        return redirect("identity:verify")
    registry = person_registry()
    return render(
        request,
        "identity/verify.html",
        {
            "account": user,
            "level": IdentityLevel(user.identity_level),
            "is_verified": user.is_real_name_verified,
            "is_top_level": user.identity_level >= IdentityLevel.IN_PERSON,
            "providers": providers_enabled(),
            "has_registry": registry.is_connected,
        },
    )


def _level_message(request: HttpRequest, user: User) -> None:
    user.refresh_from_db(fields=["identity_level"])
    messages.success(
        request,
        _("Your identity level is now: %(level)s.")
        % {"level": IdentityLevel(user.identity_level).label},
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify_callback(request: HttpRequest) -> HttpResponse:
    """Where an identity provider sends the browser back with its answer."""
    params = {**request.GET.dict(), **request.POST.dict()}
    user: User = request.user  # type: ignore[assignment]
    try:
        services.citizen_verification_complete(user=user, session=request.session, params=params)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        _level_message(request, user)
    return redirect("identity:verify")


# --- the counter: a clerk verifies people and enterprises -----------------------------------


def _clerk_only(request: HttpRequest) -> None:
    if not selectors.can_verify_at_counter(user=request.user):
        raise DjangoPermissionDenied(_("Only a counter clerk can verify identities."))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def counter_person(request: HttpRequest) -> HttpResponse:
    """Find an account by the ID card in front of the clerk and verify it in person (level 3).

    Both steps are POSTs, so that ID numbers stay out of addresses (and access logs).
    """
    _clerk_only(request)
    lookup = forms.CounterPersonLookupForm()
    person: User | None = None
    verify_form = forms.CounterPersonVerifyForm()
    status = 200
    if request.method == "POST" and request.POST.get("action") == "verify":
        person = User.objects.filter(public_id=_uuid(request.POST.get("account"))).first()
        verify_form = forms.CounterPersonVerifyForm(request.POST)
        if person is not None and verify_form.is_valid():
            try:
                services.citizen_verify_at_counter(
                    actor=request.user,  # type: ignore[arg-type]
                    user=person,
                    id_number=verify_form.cleaned_data["id_number"],
                    real_name=verify_form.cleaned_data["real_name"],
                )
            except ApplicationError as error:
                add_application_error(verify_form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s is verified in person.") % {"name": person.real_name},
                )
                return redirect("identity:counter_person")
        status = 400
    elif request.method == "POST":
        lookup = forms.CounterPersonLookupForm(request.POST)
        if lookup.is_valid():
            id_number = lookup.cleaned_data["id_number"]
            person = selectors.counter_person_find(actor=request.user, id_number=id_number)
            if person is None:
                lookup.add_error(
                    "id_number",
                    _("No account is registered with this ID number: the person registers first."),
                )
                status = 404
            else:
                lookup = forms.CounterPersonLookupForm()
                verify_form = forms.CounterPersonVerifyForm(initial={"id_number": id_number})
    if person is not None:
        # The page shows the account's real name to the clerk: "who looked at my data".
        audit_personal_data_read(
            request=request,
            subject=person,
            obj=person,
            fields=["real_name"],
            reason=_("Identity check at a counter"),
        )
    return render(
        request,
        "identity/counter_person.html",
        {"lookup": lookup, "person": person, "verify_form": verify_form},
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def counter_enterprise(request: HttpRequest) -> HttpResponse:
    """Find an enterprise by the business licence in front of the clerk and verify it."""
    _clerk_only(request)
    lookup = forms.CounterEnterpriseLookupForm(request.GET or None)
    entity: LegalEntity | None = None
    verify_form = forms.CounterEnterpriseVerifyForm()
    status = 200
    if request.method == "POST":
        entity = LegalEntity.objects.filter(public_id=_uuid(request.POST.get("entity"))).first()
        verify_form = forms.CounterEnterpriseVerifyForm(request.POST)
        if entity is not None and verify_form.is_valid():
            try:
                services.legal_entity_verify_at_counter(
                    actor=request.user,  # type: ignore[arg-type]
                    legal_entity=entity,
                    name_on_licence=verify_form.cleaned_data["name_on_licence"],
                    representative_on_licence=verify_form.cleaned_data["representative_on_licence"],
                )
            except ApplicationError as error:
                add_application_error(verify_form, error)
            else:
                messages.success(request, _("%(name)s is verified.") % {"name": entity.name})
                return redirect("identity:counter_enterprise")
        status = 400
    elif lookup.is_valid():
        entity = selectors.counter_legal_entity_find(
            actor=request.user, uscc=lookup.cleaned_data["uscc"]
        )
        if entity is None:
            lookup.add_error(
                "uscc",
                _("No enterprise is registered with this code: it is registered online first."),
            )
            status = 404
    representative = selectors.legal_representative_account(legal_entity=entity) if entity else None
    return render(
        request,
        "identity/counter_enterprise.html",
        {
            "lookup": lookup,
            "entity": entity,
            "representative": representative,
            "representative_is_verified": representative is not None
            and selectors.identity_level_meets(
                user=representative, purpose=selectors.ACT_FOR_ENTERPRISE
            ),
            "verify_form": verify_form,
        },
        status=status,
    )


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value or ""))
    except ValueError:
        return None


# --- enterprises: verification by the registry -----------------------------------------------


@login_required
@require_POST
def enterprise_verify_registry(request: HttpRequest, public_id: str) -> HttpResponse:
    """The legal representative asks to verify the enterprise against the registry."""
    try:
        entity = selectors.legal_entity_get(user=request.user, public_id=public_id)
        services.legal_entity_verify_by_registry(actor=request.user, legal_entity=entity)  # type: ignore[arg-type]
    except NotFound as error:
        raise Http404(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is verified.") % {"name": entity.name})
    return redirect("identity:enterprise_detail", public_id=public_id)
