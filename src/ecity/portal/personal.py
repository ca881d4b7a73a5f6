"""我的: one page that gathers what a signed-in person has on the platform."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ecity.cases.selectors.applicant import case_list_for_applicant
from ecity.certificates.selectors import certificate_list_for_holder
from ecity.disclosure.selectors.requests import requests_of_applicant
from ecity.hotline.selectors.tickets import citizen_ticket_list
from ecity.identity.errors import IdentityLevelRequired
from ecity.identity.selectors import acting_identity
from ecity.notify.selectors import subscription_list_for, unread_count

SHOWN = 5
RECENT_SERVICES = 6


def _cases_and_services(request: HttpRequest, identity: Any) -> dict[str, Any]:
    """The latest cases and the services they were for (most recent first, each once)."""
    try:
        cases = list(case_list_for_applicant(user=request.user, identity=identity)[:50])
    except IdentityLevelRequired:
        return {"cases": [], "cases_need_verification": True, "recent_services": []}
    services: dict[str, Any] = {}
    for case in cases:
        item = case.service_version.item
        services.setdefault(item.code, case.service_version)
        if len(services) == RECENT_SERVICES:
            break
    return {
        "cases": cases[:SHOWN],
        "cases_need_verification": False,
        "recent_services": list(services.values()),
    }


@login_required
@require_safe
def me(request: HttpRequest) -> HttpResponse:
    """Cases, recently used services, hotline and disclosure requests, e-licences, follows."""
    user = request.user
    identity = acting_identity(user=user, session=request.session)
    context = {
        "identity": identity,
        **_cases_and_services(request, identity),
        "tickets": list(citizen_ticket_list(actor=user)[:SHOWN]),
        "certificates": list(certificate_list_for_holder(user=user).order_by("-issued_on")[:SHOWN]),
        "disclosure_requests": list(requests_of_applicant(applicant=user)[:SHOWN]),
        "subscriptions": list(subscription_list_for(user=user)[:SHOWN]),
        "unread": unread_count(user=user),
    }
    response = render(request, "portal/me.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
