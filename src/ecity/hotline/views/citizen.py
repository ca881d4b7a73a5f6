"""The citizen's pages: a new request, my tickets, and the query by number and query code."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ecity.core.errors import ApplicationError, NotFound
from ecity.core.forms import add_application_error
from ecity.core.middleware import response_private
from ecity.core.ratelimit import check_rate, client_ip, peek_rate
from ecity.hotline.models import Channel
from ecity.hotline.selectors.tickets import (
    citizen_ticket_get,
    citizen_ticket_list,
    ticket_lookup,
    ticket_public_view,
)
from ecity.hotline.services.intake import ticket_receive
from ecity.hotline.views.forms import QueryForm, TicketForm

QUERY_IP_LIMIT, QUERY_IP_WINDOW = 10, 60
QUERY_FAILURE_LIMIT, QUERY_FAILURE_WINDOW = 5, 15 * 60


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Send a request to the hotline from the portal (signed-in citizens)."""
    form = TicketForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = ticket_receive(
                actor=request.user, channel=Channel.WEB, data=form.ticket_input()
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("hotline:mine_detail", number=ticket.number)
    return render(request, "hotline/citizen/new.html", {"form": form})


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in citizen's own tickets."""
    tickets = citizen_ticket_list(actor=request.user)[:100]
    return response_private(render(request, "hotline/citizen/mine.html", {"tickets": tickets}))


@login_required
@require_GET
def mine_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One of the citizen's tickets: number, query code, progress and the answer."""
    try:
        ticket = citizen_ticket_get(actor=request.user, number=number)
    except NotFound as error:
        raise Http404 from error
    context = {"ticket": ticket, "result": ticket_public_view(ticket)}
    return response_private(render(request, "hotline/citizen/detail.html", context))


@require_http_methods(["GET", "POST"])
def query(request: HttpRequest) -> HttpResponse:
    """Follow a ticket with its number and query code (no account; rate limited)."""
    form = QueryForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["number"].strip().upper()
        failure_key = f"hotline:query:fail:{number}"
        allowed = check_rate(
            f"hotline:query:ip:{client_ip(request)}",
            limit=QUERY_IP_LIMIT,
            window_seconds=QUERY_IP_WINDOW,
        ).allowed
        if (
            not allowed
            or peek_rate(failure_key, window_seconds=QUERY_FAILURE_WINDOW) >= QUERY_FAILURE_LIMIT
        ):
            return render(request, "hotline/citizen/rate_limited.html", status=429)
        try:
            result = ticket_lookup(number=number, query_code=form.cleaned_data["query_code"])
        except NotFound as error:
            check_rate(failure_key, limit=QUERY_FAILURE_LIMIT, window_seconds=QUERY_FAILURE_WINDOW)
            form.add_error(None, error.message)
    return response_private(
        render(request, "hotline/citizen/query.html", {"form": form, "result": result})
    )
