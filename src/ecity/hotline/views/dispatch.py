"""The dispatcher's page (/hotline/dispatch/): tickets awaiting dispatch, with suggestions."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ecity.core.errors import ApplicationError, NotFound, PermissionDenied
from ecity.core.forms import add_application_error
from ecity.core.middleware import response_private
from ecity.hotline.selectors.duplicates import duplicate_candidates
from ecity.hotline.selectors.suggestions import dispatch_suggest
from ecity.hotline.selectors.tickets import (
    dispatch_queue,
    dispatch_ticket_get,
    ticket_sent_back_event,
)
from ecity.hotline.selectors.worklist import is_dispatcher
from ecity.hotline.services.dispatch import ticket_dispatch
from ecity.hotline.services.merging import ticket_merge
from ecity.hotline.views.forms import DispatchForm
from ecity.identity.models import User

QUEUE_SIZE = 50


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Tickets received or returned, oldest first, each with its top suggestion."""
    try:
        tickets = list(dispatch_queue(actor=request.user)[:QUEUE_SIZE])
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    rows = [(ticket, dispatch_suggest(ticket)) for ticket in tickets]
    return response_private(render(request, "hotline/dispatch/queue.html", {"rows": rows}))


@login_required
@require_http_methods(["GET", "POST"])
def dispatch_ticket(request: HttpRequest, number: str) -> HttpResponse:
    """Dispatch one ticket: the suggestions first, then the form."""
    try:
        ticket = dispatch_ticket_get(actor=request.user, number=number)
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    except NotFound as error:
        raise Http404 from error
    suggestions = dispatch_suggest(ticket)
    initial = {"department": suggestions[0].department.code} if suggestions else {}
    form = DispatchForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            ticket_dispatch(
                actor=request.user,
                ticket=ticket,
                department=form.cleaned_data["department"],
                note=form.cleaned_data.get("note") or "",
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request, _("Ticket %(number)s dispatched.") % {"number": ticket.number}
            )
            return redirect("hotline:dispatch")
    context = {
        "ticket": ticket,
        "suggestions": suggestions,
        "sent_back": ticket_sent_back_event(ticket),
        "form": form,
        "duplicates": duplicate_candidates(ticket) if ticket.is_open else [],
        "can_merge": is_dispatcher(actor=cast(User, request.user)),
    }
    return response_private(render(request, "hotline/dispatch/ticket.html", context))


@login_required
@require_POST
def merge_ticket(request: HttpRequest, number: str) -> HttpResponse:
    """Merge the ticket ``number`` into the open ticket named in the form (``main``)."""
    try:
        ticket = dispatch_ticket_get(actor=request.user, number=number)
        main = dispatch_ticket_get(actor=request.user, number=request.POST.get("main", ""))
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    except NotFound as error:
        raise Http404 from error
    try:
        ticket_merge(actor=cast(User, request.user), ticket=ticket, main=main)
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    except ApplicationError as error:
        details = [message for field in error.fields.values() for message in field]
        messages.error(request, " ".join(details or [error.message]))
        return redirect("hotline:dispatch_ticket", number=ticket.number)
    messages.success(
        request,
        _("Ticket %(number)s merged into ticket %(main)s.")
        % {"number": ticket.number, "main": main.number},
    )
    return redirect("hotline:dispatch")
