"""The hotline centre's supervision (监督): answers to review, extension requests, returned,
overdue and due-soon tickets with their actions (review, decide, transfer, urge, reopen), and the
callback tasks (回访) of the agents."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecity.hotline.models import Ticket
from ecity.hotline.selectors import public as public_selectors
from ecity.hotline.selectors import worklist as selectors
from ecity.hotline.selectors.categories import can_manage_reference_data
from ecity.hotline.services import callbacks as callback_services
from ecity.hotline.services import handling as services
from ecity.hotline.views import handling_forms as f
from ecity.hotline.views.handling import TicketAction, run_action, staff_required, ticket_page

VIEW_TITLES = {
    "to_review": gettext_lazy("Answers to review"),
    "extensions": gettext_lazy("Extension requests"),
    "returned": gettext_lazy("Returned tickets"),
    "overdue": gettext_lazy("Overdue"),
    "due_soon": gettext_lazy("Due soon"),
}
S = Ticket.Status


def _dispatcher(actor, ticket) -> bool:
    return selectors.is_dispatcher(actor=actor)


def _decide(actor, ticket, data):
    extension = selectors.pending_extension(ticket)
    if extension is None:
        from ecity.core.errors import Conflict

        raise Conflict(_("This extension request was already decided."))
    return services.extension_decide(
        actor=actor, extension=extension, approve=data["decision"] == "approve", note=data["note"]
    )


SUPERVISION_ACTIONS = {
    action.name: action
    for action in [
        TicketAction(
            "review",
            gettext_lazy("Review the answer"),
            f.ReviewForm,
            lambda actor, ticket, data: services.answer_review(
                actor=actor,
                ticket=ticket,
                approve=data["decision"] == "approve",
                reason=data["reason"],
            ),
            lambda actor, t: _dispatcher(actor, t) and t.status == S.ANSWERED,
            gettext_lazy("The review was recorded."),
        ),
        TicketAction(
            "extension_decision",
            gettext_lazy("Decide the extension request"),
            f.ExtensionDecisionForm,
            _decide,
            lambda actor, t: _dispatcher(actor, t) and selectors.pending_extension(t) is not None,
            gettext_lazy("The extension request was decided."),
        ),
        TicketAction(
            "transfer",
            gettext_lazy("Transfer to another department"),
            f.TransferForm,
            lambda actor, ticket, data: services.ticket_transfer(
                actor=actor, ticket=ticket, department=data["department"], note=data["note"]
            ),
            lambda actor, t: _dispatcher(actor, t)
            and t.status in (S.DISPATCHED, S.HANDLING, S.RETURNED),
            gettext_lazy("The ticket was transferred."),
        ),
        TicketAction(
            "urge",
            gettext_lazy("Urge the department"),
            f.NoteForm,
            lambda actor, ticket, data: services.ticket_urge(
                actor=actor, ticket=ticket, note=data["note"]
            ),
            lambda actor, t: t.status in selectors.URGEABLE_STATUSES
            and selectors.can_urge(actor=actor, ticket=t),
            gettext_lazy("The department was urged."),
        ),
        TicketAction(
            "callback",
            gettext_lazy("Record the callback"),
            f.CallbackForm,
            lambda actor, ticket, data: callback_services.callback_record(
                actor=actor,
                ticket=ticket,
                method=data["method"],
                is_solved=data["is_solved"] == "yes",
                satisfaction=data["satisfaction"],
                comment=data["comment"],
            ),
            lambda actor, t: t.status == S.CLOSED
            and selectors.can_call_back(actor=actor)
            and not t.callbacks.filter(cycle=t.reopen_count).exists(),
            gettext_lazy("The callback was recorded."),
        ),
        TicketAction(
            "reopen",
            gettext_lazy("Reopen the ticket"),
            f.ReasonForm,
            lambda actor, ticket, data: callback_services.ticket_reopen(
                actor=actor, ticket=ticket, reason=data["reason"]
            ),
            lambda actor, t: _dispatcher(actor, t) and t.status == S.CLOSED,
            gettext_lazy("The ticket was reopened."),
        ),
    ]
}


@staff_required
def supervision_index(request: HttpRequest) -> HttpResponse:
    """The hotline centre's lists, one view at a time (``?view=to_review`` …)."""
    view = request.GET.get("view", "to_review")
    if view not in selectors.SUPERVISION_VIEWS:
        view = "to_review"
    counts = selectors.supervision_counts(actor=request.user)
    tabs = [
        {"view": name, "title": VIEW_TITLES[name], "count": counts[name], "current": name == view}
        for name in selectors.SUPERVISION_VIEWS
    ]
    return render(
        request,
        "hotline/supervision/index.html",
        {
            "tickets": selectors.supervision_tickets(actor=request.user, view=view)[:200],
            "tabs": tabs,
            "view_title": VIEW_TITLES[view],
            "can_manage_reference_data": can_manage_reference_data(actor=request.user),
        },
    )


@staff_required
def callback_tasks(request: HttpRequest) -> HttpResponse:
    """The closed tickets the agents still have to call back (回访任务): all, those to call by
    phone, those whose SMS questionnaire the citizen may still answer (``?view=``)."""
    view = request.GET.get("view", "")
    if view not in selectors.CALLBACK_VIEWS:
        view = ""
    tabs = [
        {"view": name, "title": title, "current": name == view}
        for name, title in (
            ("", _("All")),
            ("to_call", _("To call by phone")),
            ("awaiting_questionnaire", _("Awaiting the SMS questionnaire")),
        )
    ]
    return render(
        request,
        "hotline/supervision/callbacks.html",
        {"tickets": selectors.callback_tasks(actor=request.user, view=view)[:200], "tabs": tabs},
    )


@staff_required
def supervision_ticket(request: HttpRequest, number: str) -> HttpResponse:
    """One ticket seen from the hotline centre, with review, decision, transfer, urge, callback."""
    ticket = (
        Ticket.objects.select_related("department", "category", "region")
        .filter(number=number)
        .first()
    )
    actor = request.user
    allowed = ticket is not None and (
        selectors.is_dispatcher(actor=actor)
        or selectors.can_call_back(actor=actor)
        or selectors.can_urge(actor=actor, ticket=ticket)
    )
    if not allowed:
        raise Http404(_("No ticket with this number is yours to supervise."))
    assert ticket is not None
    back = "hotline:supervision"
    if request.method == "POST":
        return run_action(
            request,
            ticket=ticket,
            actions=SUPERVISION_ACTIONS,
            name=request.POST.get("action", ""),
            success_url=reverse("hotline:supervision_ticket", kwargs={"number": number}),
            back=back,
        )
    publication = {
        "can_publish": public_selectors.can_publish(actor=actor, ticket=ticket),
        "is_public": ticket.is_public and selectors.is_dispatcher(actor=actor),
    }
    return ticket_page(
        request,
        ticket=ticket,
        actions=SUPERVISION_ACTIONS,
        back=back,
        extra={"publication": publication},
    )
