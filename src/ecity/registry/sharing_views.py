"""Staff pages of controlled sharing, mounted at /registry/sharing/.

A department's data administrator requests conditional items of another department's resource;
the provider sees the requests it received with their due dates and answers them; both see the
grants, and the provider revokes one. Thin views over ``selectors.sharing`` and
``services.sharing``.
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
from oauth2_provider.models import get_application_model

from ecity.core.errors import ApplicationError, NotFound
from ecity.core.forms import add_application_error
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.models import ShareType, SharingRequest
from ecity.registry.selectors import sharing as selectors
from ecity.registry.services import sharing as services
from ecity.registry.sharing_forms import DecisionForm, RevokeForm, SharingRequestForm
from ecity.sso.selectors import system_client_list


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _department(request: HttpRequest) -> tuple[Department, list[Department]]:
    """The department chosen with ``?department=CODE`` among those the user administers."""
    departments = list(selectors.sharing_departments(actor=_user(request)))
    if not departments:
        raise DjangoPermissionDenied(_("Only a department's data administrator may share data."))
    code = request.GET.get("department", "")
    chosen = next((d for d in departments if d.code == code), departments[0])
    return chosen, departments


@login_required
@require_GET
def sharing_home(request: HttpRequest) -> HttpResponse:
    """Requests received (with due dates) and sent, grants given and held, of one department."""
    department, departments = _department(request)
    actor = _user(request)
    context = {
        "department": department,
        "departments": departments,
        "received": selectors.sharing_request_list(actor=actor, department=department),
        "sent": selectors.sharing_request_list(
            actor=actor, department=department, direction="sent"
        ),
        "given": selectors.sharing_grant_list(actor=actor, department=department),
        "held": selectors.sharing_grant_list(actor=actor, department=department, direction="held"),
        "resources": selectors.shareable_resources().exclude(provider=department),
    }
    return render(request, "registry/sharing/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def sharing_request_new(request: HttpRequest, resource_code: str) -> HttpResponse:
    """The form to request conditional items of the resource ``resource_code``."""
    department, _departments = _department(request)
    resource = selectors.shareable_resources().filter(code=resource_code).first()
    if resource is None:
        raise Http404(_("There is no such resource to request."))
    policies = system_client_list(department=department)
    applications = get_application_model().objects.filter(ecity_policy__in=policies)
    form = SharingRequestForm(request.POST or None, resource=resource, applications=applications)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.sharing_request_submit(
                actor=_user(request),
                requester=department,
                application=data["application"],
                resource=resource,
                items=list(data["items"]),
                purpose=data["purpose"],
                legal_basis=data["legal_basis"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Your request has been sent to the provider."))
            return redirect("registry:sharing_request_detail", public_id=created.public_id)
    status = 400 if form.is_bound and form.errors else 200
    items = list(resource.items.select_related("resource", "data_element").order_by("order", "pk"))
    context = {
        "form": form,
        "resource": resource,
        "department": department,
        # What needs no request and what no request can get, so nobody asks for either.
        "unconditional_items": [
            i for i in items if i.effective_share_type == ShareType.UNCONDITIONAL
        ],
        "not_shared_items": [i for i in items if i.effective_share_type == ShareType.NOT_SHARED],
    }
    return render(request, "registry/sharing/request_form.html", context, status=status)


def _request_or_404(request: HttpRequest, public_id: str) -> SharingRequest:
    try:
        return selectors.sharing_request_get(actor=_user(request), public_id=public_id)
    except (NotFound, ValueError) as error:
        raise Http404(str(error)) from error


@login_required
@require_http_methods(["GET", "POST"])
def sharing_request_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """A request with its clock; the provider's data administrator answers it here."""
    sharing_request = _request_or_404(request, public_id)
    actor = _user(request)
    can_answer = sharing_request.is_pending and selectors.can_administer_sharing(
        actor=actor, department=sharing_request.provider
    )
    form = DecisionForm(request.POST or None) if can_answer else None
    if request.method == "POST":
        if form is None:
            raise DjangoPermissionDenied(_("Only the provider answers a pending request."))
        if form.is_valid():
            decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
            try:
                if decision == "approve":
                    services.sharing_request_approve(
                        actor=actor, sharing_request=sharing_request, reason=reason
                    )
                else:
                    services.sharing_request_refuse(
                        actor=actor, sharing_request=sharing_request, reason=reason
                    )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("Your answer has been recorded."))
                return redirect("registry:sharing_request_detail", public_id=public_id)
    status = 400 if form is not None and form.is_bound and form.errors else 200
    grant = getattr(sharing_request, "grant", None) if not sharing_request.is_pending else None
    context = {"sharing_request": sharing_request, "form": form, "grant": grant}
    return render(request, "registry/sharing/request_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def sharing_grant_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    """The provider's form to revoke a grant, with a reason."""
    actor = _user(request)
    try:
        grant = selectors.sharing_grant_get(actor=actor, public_id=public_id)
    except (NotFound, ValueError) as error:
        raise Http404(str(error)) from error
    if not selectors.can_administer_sharing(actor=actor, department=grant.provider):
        raise DjangoPermissionDenied(_("Only the provider's data administrator may revoke it."))
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not grant.is_revoked:
        try:
            services.sharing_grant_revoke(
                actor=actor, grant=grant, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("The grant has been revoked: the next read is refused."))
            url = reverse("registry:sharing_home")
            return redirect(f"{url}?department={grant.provider.code}")
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "registry/sharing/grant_revoke.html", {"form": form, "grant": grant}, status=status
    )
