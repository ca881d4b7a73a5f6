"""The agent console (/hotline/console/): one page to take a call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ecity.audit.services import audit_record
from ecity.core.errors import ApplicationError
from ecity.core.forms import add_application_error
from ecity.core.middleware import response_private
from ecity.hotline.models import Ticket
from ecity.hotline.numbers import phone_normalise
from ecity.hotline.selectors.tickets import caller_ticket_list, can_take_calls
from ecity.hotline.services.intake import ticket_take_call
from ecity.hotline.views.forms import CallForm


def _history(request: HttpRequest, phone: str) -> list[Ticket]:
    """The caller's earlier tickets, audited as a read of their personal data."""
    if not phone_normalise(phone):
        return []
    tickets = list(caller_ticket_list(phone=phone))
    if tickets:
        audit_record(
            actor=request.user,
            action="ticket_caller_history.read",
            fields=["caller_phone"],
            data={"tickets": len(tickets)},
            request=request,
        )
    return tickets


def _require_agent(request: HttpRequest) -> None:
    if not can_take_calls(actor=request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def console(request: HttpRequest) -> HttpResponse:
    """Take a call: the caller's history, the intake form, answer / dispatch / save."""
    _require_agent(request)
    form = CallForm(request.POST or None, request.FILES or None)
    phone = (request.POST.get("caller_phone") or request.GET.get("caller_phone") or "").strip()
    if request.method == "POST" and "lookup" not in request.POST and form.is_valid():
        try:
            ticket = ticket_take_call(
                actor=request.user,
                data=form.call_input(),
                outcome=form.cleaned_data["outcome"],
                answer=form.cleaned_data.get("answer") or "",
                department=form.cleaned_data.get("department"),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request,
                _("Ticket %(number)s saved (%(status)s). Query code: %(code)s")
                % {
                    "number": ticket.number,
                    "status": ticket.get_status_display(),
                    "code": ticket.query_code,
                },
            )
            return redirect("hotline:console")
    if request.method == "POST" and "lookup" in request.POST:
        form = CallForm(initial={"caller_phone": phone})
    context = {"form": form, "history": _history(request, phone), "phone": phone}
    return response_private(render(request, "hotline/console/console.html", context))


@login_required
@require_GET
def caller_history(request: HttpRequest) -> HttpResponse:
    """The caller's earlier tickets as a fragment (htmx, as the agent types the number)."""
    _require_agent(request)
    phone = (request.GET.get("caller_phone") or "").strip()
    context = {"history": _history(request, phone), "phone": phone}
    return response_private(render(request, "hotline/console/_history.html", context))
