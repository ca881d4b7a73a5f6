"""The department's worklist (承办): tickets to sign for, in handling, due soon, overdue, sent
back, assisting; the ticket page with its action forms. Every rule is the services'."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecity.core.errors import ApplicationError, NotFound, PermissionDenied
from ecity.core.forms import add_application_error
from ecity.core.views import view_permission
from ecity.hotline.models import Ticket
from ecity.hotline.selectors import worklist as selectors
from ecity.hotline.services import handling as services
from ecity.hotline.views import handling_forms as f
from ecity.identity.models import User
from ecity.org.selectors import is_staff_member

VIEW_TITLES = {
    "to_sign": gettext_lazy("To sign for"),
    "handling": gettext_lazy("In handling"),
    "due_soon": gettext_lazy("Due soon"),
    "overdue": gettext_lazy("Overdue"),
    "sent_back": gettext_lazy("Sent back"),
    "assisting": gettext_lazy("Assisting"),
}


@dataclass
class TicketAction:
    """One action form on a ticket page: its form class and the service call it makes."""

    name: str
    title: str | Promise
    form_class: type[forms.Form]
    run: Callable[[User, Ticket, dict[str, Any]], object]
    available: Callable[[User, Ticket], bool]
    done: str | Promise
    #: After it the actor no longer sees the ticket (returned: no department): back to the list.
    leaves: bool = False


def _handler(actor: User, ticket: Ticket) -> bool:
    return selectors.is_ticket_handler(actor=actor, department=ticket.department)


def _own_assist(actor: User, ticket: Ticket):
    for assist in ticket.assists.select_related("department"):
        if selectors.is_ticket_handler(actor=actor, department=assist.department):
            return assist
    return None


WORK_ACTIONS = {
    action.name: action
    for action in [
        TicketAction(
            "sign",
            gettext_lazy("Sign for"),
            f.EmptyForm,
            lambda actor, ticket, data: services.ticket_sign(actor=actor, ticket=ticket),
            lambda actor, t: _handler(actor, t) and t.status == Ticket.Status.DISPATCHED,
            gettext_lazy("You signed for the ticket."),
        ),
        TicketAction(
            "answer",
            gettext_lazy("Answer the citizen"),
            f.AnswerForm,
            lambda actor, ticket, data: services.ticket_answer(
                actor=actor, ticket=ticket, answer=data["answer"]
            ),
            lambda actor, t: _handler(actor, t) and t.status == Ticket.Status.HANDLING,
            gettext_lazy("Your answer was sent for review."),
        ),
        TicketAction(
            "extension",
            gettext_lazy("Ask for more time"),
            f.ExtensionForm,
            lambda actor, ticket, data: services.extension_request(
                actor=actor, ticket=ticket, reason=data["reason"], new_due_at=data["new_due_at"]
            ),
            lambda actor, t: _handler(actor, t) and t.status == Ticket.Status.HANDLING,
            gettext_lazy("Your extension request was sent to the hotline centre."),
        ),
        TicketAction(
            "assist",
            gettext_lazy("Ask another department to assist"),
            f.AssistForm,
            lambda actor, ticket, data: services.assist_request(
                actor=actor, ticket=ticket, department=data["department"], reason=data["reason"]
            ),
            lambda actor, t: _handler(actor, t) and t.status == Ticket.Status.HANDLING,
            gettext_lazy("The other department was asked to assist."),
        ),
        TicketAction(
            "return",
            gettext_lazy("Return to the dispatcher"),
            f.ReasonForm,
            lambda actor, ticket, data: services.ticket_return(
                actor=actor, ticket=ticket, reason=data["reason"]
            ),
            lambda actor, t: _handler(actor, t)
            and t.status in (Ticket.Status.DISPATCHED, Ticket.Status.HANDLING),
            gettext_lazy("The ticket was returned to the dispatcher."),
            leaves=True,
        ),
        TicketAction(
            "contribute",
            gettext_lazy("Your department's contribution"),
            f.ContributionForm,
            lambda actor, ticket, data: services.assist_contribute(
                actor=actor, assist=_own_assist(actor, ticket), contribution=data["contribution"]
            ),
            lambda actor, t: t.is_open and _own_assist(actor, t) is not None,
            gettext_lazy("Your contribution was saved."),
        ),
    ]
}


#: Signed-in staff only; others 403 (the selectors and services check the rest).
staff_required = view_permission(lambda user: is_staff_member(user=user))


def ticket_page(
    request: HttpRequest,
    *,
    ticket: Ticket,
    actions: dict[str, TicketAction],
    bound: tuple[str, forms.Form] | None = None,
    back: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Render the ticket page with the forms of the actions the actor may take now."""
    actor = request.user
    forms_shown = []
    for action in actions.values():
        if not action.available(actor, ticket):
            continue
        form = (
            bound[1] if bound and bound[0] == action.name else action.form_class(prefix=action.name)
        )
        forms_shown.append({"name": action.name, "title": action.title, "form": form})
    context = {
        "ticket": ticket,
        "show_caller": selectors.can_see_caller(actor=actor, ticket=ticket),
        "events": ticket.events.select_related("actor", "department"),
        "assists": ticket.assists.select_related("department"),
        "pending_extension": selectors.pending_extension(ticket),
        "callbacks": ticket.callbacks.all(),
        "actions": forms_shown,
        "error_form": bound[1] if bound else None,
        "back": back,
        **(extra or {}),
    }
    return render(request, "hotline/work/ticket.html", context, status=400 if bound else 200)


def run_action(
    request: HttpRequest,
    *,
    ticket: Ticket,
    actions: dict[str, TicketAction],
    name: str,
    success_url: str,
    back: str,
) -> HttpResponse:
    """Validate and run one posted action; re-display the page with its errors on failure."""
    action = actions.get(name)
    if action is None:
        raise Http404
    form = action.form_class(request.POST, prefix=action.name)
    if form.is_valid():
        try:
            action.run(request.user, ticket, form.cleaned_data)
        except PermissionDenied as error:
            raise DjangoPermissionDenied(error.message) from error
        except NotFound as error:
            raise Http404(error.message) from error
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, str(action.done))
            return redirect(back if action.leaves else success_url)
    ticket.refresh_from_db()
    return ticket_page(
        request, ticket=ticket, actions=actions, bound=(action.name, form), back=back
    )


@staff_required
def work_index(request: HttpRequest) -> HttpResponse:
    """The department's worklist, one view at a time (``?view=to_sign`` …)."""
    view = request.GET.get("view", "to_sign")
    if view not in selectors.WORKLIST_VIEWS:
        view = "to_sign"
    tickets = selectors.worklist_tickets(actor=request.user, view=view)[:200]
    counts = selectors.worklist_counts(actor=request.user)
    tabs = [
        {"view": name, "title": VIEW_TITLES[name], "count": counts[name], "current": name == view}
        for name in selectors.WORKLIST_VIEWS
    ]
    return render(
        request,
        "hotline/work/index.html",
        {"tickets": tickets, "tabs": tabs, "view_title": VIEW_TITLES[view]},
    )


def _ticket_or_404(request: HttpRequest, number: str) -> Ticket:
    ticket = selectors.ticket_for_department(actor=request.user, number=number)
    if ticket is None:
        raise Http404(_("No ticket of your department has this number."))
    return ticket


@staff_required
def work_ticket(request: HttpRequest, number: str) -> HttpResponse:
    """One ticket of the department: details, timeline and the forms of its next steps."""
    ticket = _ticket_or_404(request, number)
    back = "hotline:work"
    if request.method == "POST":
        return run_action(
            request,
            ticket=ticket,
            actions=WORK_ACTIONS,
            name=request.POST.get("action", ""),
            success_url=request.path,
            back=back,
        )
    return ticket_page(request, ticket=ticket, actions=WORK_ACTIONS, back=back)
