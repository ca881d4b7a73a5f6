"""Staff pages of the service registry, mounted at /exchange/: a department's IT work in the UI.

A department administrator sees their department's systems (identifiers, key fingerprints) and
services, registers a service, grants and revokes access rights to it, and asks for a
subscription to a topic. Thin views over ``selectors.registry`` and the services, which check
the permissions again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ecity.core.errors import ApplicationError, NotFound
from ecity.core.forms import add_application_error
from ecity.exchange.models import Service
from ecity.exchange.selectors import registry as selectors
from ecity.exchange.selectors.pubsub import topic_get
from ecity.exchange.service_forms import (
    AccessGrantForm,
    AccessRevokeForm,
    ServiceRegisterForm,
    SubscriptionRequestForm,
)
from ecity.exchange.services import access, registry, subscriptions
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.models import Resource


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _department(request: HttpRequest) -> tuple[Department, list[Department]]:
    """The department chosen with ``?department=CODE`` among those the user administers."""
    departments = list(selectors.registry_departments(actor=_user(request)))
    if not departments:
        raise DjangoPermissionDenied(_("Only a department administrator manages its systems."))
    code = request.GET.get("department", "")
    chosen = next((d for d in departments if d.code == code), departments[0])
    return chosen, departments


def _with_department(url: str, department: Department) -> str:
    return f"{url}?department={department.code}"


@login_required
@require_GET
def subsystem_list_page(request: HttpRequest) -> HttpResponse:
    """我的子系统: the department's systems with identifiers and key fingerprints, its services."""
    department, departments = _department(request)
    subsystems = list(selectors.department_subsystems(department=department))
    fingerprints = selectors.subsystem_key_fingerprints(subsystems=subsystems)
    context = {
        "department": department,
        "departments": departments,
        "rows": [(s, fingerprints.get(s.identifier, "")) for s in subsystems],
        "services": selectors.department_services(department=department),
    }
    return render(request, "exchange/subsystem_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def service_register_page(request: HttpRequest) -> HttpResponse:
    """Register a service of one of the department's systems (``service_register``)."""
    department, departments = _department(request)
    subsystems = {
        str(s.public_id): s
        for s in selectors.department_subsystems(department=department)
        if s.is_enabled
    }
    resources = {
        str(r.public_id): r
        for r in Resource.objects.filter(
            provider=department, status=Resource.Status.PUBLISHED
        ).order_by("code")
    }
    form = ServiceRegisterForm(
        request.POST or None,
        request.FILES or None,
        providers=[(key, f"{s.name} ({s.identifier})") for key, s in subsystems.items()],
        resources=[(key, f"{r.code} {r.name}") for key, r in resources.items()],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service = registry.service_register(
                actor=_user(request),
                provider=subsystems[data["provider"]],
                code=data["code"].strip(),
                version=data["version"].strip(),
                kind=data["kind"],
                base_url=data["base_url"].strip(),
                openapi=data["openapi"] if data["kind"] == Service.Kind.REST else "",
                wsdl=data["wsdl"].strip() if data["kind"] == Service.Kind.SOAP else "",
                title_zh=data["title_zh"].strip(),
                title_en=data["title_en"].strip(),
                description=data["description"].strip(),
                owner_contact=data["owner_contact"].strip(),
                sla_max_latency_ms=data["sla_max_latency_ms"],
                sla_availability=data["sla_availability"],
                legal_basis=data["legal_basis"].strip(),
                resources=[resources[key] for key in data.get("resources", [])],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request,
                _("The service %(identifier)s is registered.") % {"identifier": service.identifier},
            )
            return redirect("exchange:service_detail", public_id=service.public_id)
    context = {"department": department, "departments": departments, "form": form}
    return render(
        request, "exchange/service_register.html", context, status=400 if form.errors else 200
    )


def _grant_form(request: HttpRequest, service: Service) -> AccessGrantForm:
    department = service.provider.member.department
    assert department is not None
    return AccessGrantForm(
        request.POST if "client" in request.POST else None,
        clients=[
            (c.identifier, f"{c.member.name} · {c.name} ({c.identifier})")
            for c in selectors.grantable_clients().exclude(pk=service.provider_id)
        ],
        endpoints=[(str(e.public_id), f"{e.method} {e.path}") for e in service.endpoints.all()],
        grants=[
            (
                str(g.public_id),
                f"{g.grantee.name} · {g.application.name} · {g.resource.code} "
                f"({g.starts_on:%Y-%m-%d} – {g.expires_on:%Y-%m-%d})",
            )
            for g in selectors.provider_sharing_grants(department=department)
        ],
    )


def _grant(request: HttpRequest, service: Service, form: AccessGrantForm) -> bool:
    data = form.cleaned_data
    client = selectors.grantable_clients().filter(identifier=data["client"]).first()
    endpoint = next(
        (e for e in service.endpoints.all() if str(e.public_id) == data["endpoint"]), None
    )
    department = service.provider.member.department
    grant = (
        selectors.provider_sharing_grants(department=department)
        .filter(public_id=data["sharing_grant"])
        .first()
        if data["sharing_grant"] and department is not None
        else None
    )
    if client is None:
        form.add_error("client", _("Choose a system from the list."))
        return False
    try:
        access.access_right_grant(
            actor=_user(request),
            client=client,
            service=service,
            endpoint=endpoint,
            valid_until=data["valid_until"],
            sharing_grant=grant,
        )
    except ApplicationError as error:
        add_application_error(form, error)
        return False
    messages.success(request, _("%(client)s may now call this service.") % {"client": client.name})
    return True


def _revoke(request: HttpRequest, service: Service, form: AccessRevokeForm) -> bool:
    try:
        right = selectors.access_right_get(
            service=service, public_id=str(form.cleaned_data["right"])
        )
        access.access_right_revoke(
            actor=_user(request), right=right, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as error:
        add_application_error(form, error)
        return False
    messages.success(
        request, _("The right of %(client)s is revoked.") % {"client": right.client.name}
    )
    return True


@login_required
@require_http_methods(["GET", "POST"])
def service_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """A service with its endpoints and access rights; the provider grants and revokes."""
    try:
        service = selectors.service_get_for_staff(actor=_user(request), public_id=public_id)
    except (NotFound, ValueError) as error:
        raise Http404(str(error)) from error
    grant_form = _grant_form(request, service)
    revoke_form = AccessRevokeForm(request.POST if "right" in request.POST else None)
    if request.method == "POST":
        done = (
            grant_form.is_bound and grant_form.is_valid() and _grant(request, service, grant_form)
        ) or (
            revoke_form.is_bound
            and revoke_form.is_valid()
            and _revoke(request, service, revoke_form)
        )
        if done:
            return redirect("exchange:service_detail", public_id=service.public_id)
    department = service.provider.member.department
    bound_errors = (grant_form.is_bound and grant_form.errors) or (
        revoke_form.is_bound and revoke_form.errors
    )
    context = {
        "service": service,
        "department": department,
        "rights": selectors.access_right_list(service=service),
        "grant_form": grant_form,
        "revoke_form": revoke_form,
        "revoking": str(revoke_form.data.get("right", "")) if revoke_form.is_bound else "",
        "traffic_url": reverse("exchange:department_traffic", args=[department.code])
        if department
        else "",
    }
    return render(
        request, "exchange/service_detail.html", context, status=400 if bound_errors else 200
    )


@login_required
@require_GET
def topic_list_page(request: HttpRequest) -> HttpResponse:
    """The topics a department's systems may subscribe to, each with a request link."""
    department, departments = _department(request)
    context = {
        "department": department,
        "departments": departments,
        "topics": selectors.subscribable_topics(department=department),
    }
    return render(request, "exchange/topic_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def subscription_request_page(request: HttpRequest, name: str) -> HttpResponse:
    """Ask the owner of topic ``name`` for a subscription (``subscription_request``)."""
    department, departments = _department(request)
    try:
        topic = topic_get(name=name)
    except NotFound as error:
        raise Http404(str(error)) from error
    subscribers = {
        s.identifier: s
        for s in selectors.department_subsystems(department=department)
        if s.is_enabled
    }
    form = SubscriptionRequestForm(
        request.POST or None,
        subscribers=[(key, f"{s.name} ({key})") for key, s in subscribers.items()],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subscription = subscriptions.subscription_request(
                actor=_user(request),
                subscriber=subscribers[data["subscriber"]],
                topic=topic,
                mode=data["mode"],
                push_url=data["push_url"],
                purpose=data["purpose"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Your request has been sent to the topic's owner."))
            return redirect(
                _with_department(
                    reverse("exchange:subscription_detail", args=[subscription.public_id]),
                    department,
                )
            )
    context = {"department": department, "departments": departments, "topic": topic, "form": form}
    return render(
        request, "exchange/subscription_request.html", context, status=400 if form.errors else 200
    )
