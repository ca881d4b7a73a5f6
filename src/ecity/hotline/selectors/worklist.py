"""Who may act on a ticket in handling, and the lists of the department worklist (承办) and of the
hotline centre's supervision (审核, 延期, 退单, 超期/预警) and callbacks (回访).

Roles (``org.StaffRole.Role``): a ``ticket_handler`` acts on the tickets of their department (and
its sub-units, as every role); a ``hotline_dispatcher`` of the hotline centre dispatches,
transfers, reviews answers, decides extensions and urges; a ``supervisor`` urges the tickets of
the departments they supervise (all of them in the supervision office,
``ECITY_SUPERVISION_DEPARTMENT_CODE``); a ``hotline_agent`` (or dispatcher) calls citizens back.

Deadline states: a dispatched ticket runs against ``sign_due_at``, a ticket in handling against
``due_at``; it is overdue once that time has passed and due soon within ``SIGN_DUE_SOON`` /
``ANSWER_DUE_SOON`` of it. Other states have no running limit of the department (``normal``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from ecity.hotline.models import (
    Callback,
    CallbackQuestionnaire,
    ExtensionRequest,
    Ticket,
    TicketAssist,
)
from ecity.identity.models import User
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import departments_where, user_has_role
from ecity.workflow.clocks import DeadlineState

SIGN_DUE_SOON = dt.timedelta(hours=1)
ANSWER_DUE_SOON = dt.timedelta(hours=24)

WORKLIST_VIEWS = ("to_sign", "handling", "due_soon", "overdue", "sent_back", "assisting")
SUPERVISION_VIEWS = ("to_review", "extensions", "returned", "overdue", "due_soon")
# The tickets a department has in hand (its running limits).
DEPARTMENT_STATUSES = (Ticket.Status.DISPATCHED, Ticket.Status.HANDLING)
URGEABLE_STATUSES = (Ticket.Status.DISPATCHED, Ticket.Status.HANDLING, Ticket.Status.ANSWERED)

Role = StaffRole.Role


def is_ticket_handler(*, actor: User, department: Department | None) -> bool:
    """Whether ``actor`` is a ticket handler (承办人) of ``department``."""
    if department is None:
        return False
    return user_has_role(user=actor, role=Role.TICKET_HANDLER, department=department)


def is_dispatcher(*, actor: User) -> bool:
    """Whether ``actor`` is a dispatcher of the hotline centre (派单员)."""
    return user_has_role(user=actor, role=Role.HOTLINE_DISPATCHER)


def can_call_back(*, actor: User) -> bool:
    """Whether ``actor`` may record callbacks (an agent or dispatcher of the hotline centre)."""
    return user_has_role(user=actor, role=Role.HOTLINE_AGENT) or is_dispatcher(actor=actor)


def _supervises(actor: User, department: Department | None) -> bool:
    code = str(settings.ECITY_SUPERVISION_DEPARTMENT_CODE or "")
    office = Department.objects.filter(code=code).first() if code else None
    if office is not None and user_has_role(user=actor, role=Role.SUPERVISOR, department=office):
        return True
    return department is not None and user_has_role(
        user=actor, role=Role.SUPERVISOR, department=department
    )


def can_urge(*, actor: User, ticket: Ticket) -> bool:
    """Whether ``actor`` may urge ``ticket`` (督办): a dispatcher, or a supervisor of its
    department (or of every department, in the supervision office)."""
    return is_dispatcher(actor=actor) or _supervises(actor, ticket.department)


def can_see_caller(*, actor: User, ticket: Ticket) -> bool:
    """Whether ``actor`` may see the caller's name and phone number on ``ticket``.

    A confidential caller (保密) is seen by the hotline centre only; otherwise the handling
    department sees them too, to contact the caller.
    """
    if is_dispatcher(actor=actor) or can_call_back(actor=actor):
        return True
    return not ticket.confidential


def handlers_of(department: Department) -> QuerySet[User]:
    """The active ticket handlers of ``department`` (who get its notifications)."""
    return User.objects.filter(
        is_active=True,
        staff_roles__is_active=True,
        staff_roles__role=Role.TICKET_HANDLER,
        staff_roles__department=department,
    ).distinct()


def dispatchers() -> QuerySet[User]:
    """The active dispatchers of the hotline centre (the supervision of handling)."""
    return User.objects.filter(
        is_active=True,
        staff_roles__is_active=True,
        staff_roles__role=Role.HOTLINE_DISPATCHER,
    ).distinct()


def deadline_state_for(ticket: Ticket, now: dt.datetime | None = None) -> str:
    """The deadline state of ``ticket`` at ``now`` (rules in the module docstring)."""
    now = now or timezone.now()
    if ticket.status == Ticket.Status.DISPATCHED:
        due, window = ticket.sign_due_at, SIGN_DUE_SOON
    elif ticket.status == Ticket.Status.HANDLING:
        due, window = ticket.due_at, ANSWER_DUE_SOON
    else:
        return DeadlineState.NORMAL
    if due is None:
        return DeadlineState.NORMAL
    if due < now:
        return DeadlineState.OVERDUE
    if due - now <= window:
        return DeadlineState.DUE_SOON
    return DeadlineState.NORMAL


def deadline_conditions(now: dt.datetime) -> dict[str, Q]:
    """SQL conditions equivalent to ``deadline_state_for`` for overdue and due soon."""
    dispatched = Q(status=Ticket.Status.DISPATCHED)
    handling = Q(status=Ticket.Status.HANDLING)
    return {
        DeadlineState.OVERDUE: (dispatched & Q(sign_due_at__lt=now))
        | (handling & Q(due_at__lt=now)),
        DeadlineState.DUE_SOON: (
            dispatched & Q(sign_due_at__gte=now, sign_due_at__lte=now + SIGN_DUE_SOON)
        )
        | (handling & Q(due_at__gte=now, due_at__lte=now + ANSWER_DUE_SOON)),
    }


def _rows(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return tickets.select_related("category", "department", "region")


def worklist_tickets(*, actor: User, view: str) -> QuerySet[Ticket]:
    """List the tickets of ``actor``'s departments in one worklist ``view``.

    Views: ``to_sign`` (dispatched), ``handling``, ``due_soon`` and ``overdue`` (of those two),
    ``sent_back`` (in handling after the review sent the answer back or the callback reopened
    it), ``assisting`` (open tickets another department leads, where ours assists). Earliest
    limit first. Only tickets of departments where ``actor`` is a ticket handler: someone
    without the role gets an empty list.
    """
    departments = departments_where(user=actor, role=Role.TICKET_HANDLER)
    if view == "assisting":
        assists = TicketAssist.objects.filter(ticket=OuterRef("pk"), department__in=departments)
        return _rows(
            Ticket.objects.filter(Exists(assists), status__in=Ticket.OPEN_STATUSES).order_by(
                "due_at", "id"
            )
        )
    mine = Ticket.objects.filter(department__in=departments)
    if view == "to_sign":
        tickets = mine.filter(status=Ticket.Status.DISPATCHED).order_by("sign_due_at", "id")
    elif view in ("due_soon", "overdue"):
        tickets = mine.filter(status__in=DEPARTMENT_STATUSES, deadline_state=view).order_by(
            "due_at", "id"
        )
    elif view == "sent_back":
        sent_back = Q(events__action__in=["review_reject", "reopen"])
        tickets = (
            mine.filter(sent_back, status=Ticket.Status.HANDLING).distinct().order_by("due_at")
        )
    else:
        tickets = mine.filter(status=Ticket.Status.HANDLING).order_by("due_at", "id")
    return _rows(tickets)


def worklist_counts(*, actor: User) -> dict[str, int]:
    """How many tickets each worklist view of ``actor`` holds (one query per view)."""
    return {view: worklist_tickets(actor=actor, view=view).count() for view in WORKLIST_VIEWS}


def ticket_for_department(*, actor: User, number: str) -> Ticket | None:
    """The ticket ``number`` if ``actor`` handles it (its department) or assists it, else None.

    The hotline centre's dispatchers see every ticket.
    """
    ticket = _rows(Ticket.objects.filter(number=number)).first()
    if ticket is None:
        return None
    if is_dispatcher(actor=actor) or is_ticket_handler(actor=actor, department=ticket.department):
        return ticket
    departments = departments_where(user=actor, role=Role.TICKET_HANDLER)
    if ticket.assists.filter(department__in=departments).exists():
        return ticket
    return None


def supervision_tickets(*, actor: User, view: str) -> QuerySet[Ticket]:
    """List the tickets in one supervision ``view`` for a dispatcher (or a supervisor).

    Views: ``to_review`` (answers awaiting review), ``extensions`` (tickets with a pending
    extension request), ``returned``, ``overdue`` and ``due_soon``. Dispatchers see every
    department; a supervisor sees ``overdue`` and ``due_soon`` of the departments they
    supervise; anyone else an empty list.
    """
    tickets = Ticket.objects.all()
    if not is_dispatcher(actor=actor):
        if view not in ("overdue", "due_soon"):
            return Ticket.objects.none()
        code = str(settings.ECITY_SUPERVISION_DEPARTMENT_CODE or "")
        office = Department.objects.filter(code=code).first() if code else None
        if office is None or not user_has_role(user=actor, role=Role.SUPERVISOR, department=office):
            tickets = tickets.filter(
                department__in=departments_where(user=actor, role=Role.SUPERVISOR)
            )
    if view == "to_review":
        tickets = tickets.filter(status=Ticket.Status.ANSWERED).order_by("answered_at", "id")
    elif view == "extensions":
        pending = ExtensionRequest.objects.filter(
            ticket=OuterRef("pk"), status=ExtensionRequest.Status.PENDING
        )
        tickets = tickets.filter(Exists(pending)).order_by("due_at", "id")
    elif view == "returned":
        tickets = tickets.filter(status=Ticket.Status.RETURNED).order_by("updated_at", "id")
    elif view in ("overdue", "due_soon"):
        tickets = tickets.filter(status__in=DEPARTMENT_STATUSES, deadline_state=view).order_by(
            "due_at", "id"
        )
    else:
        return Ticket.objects.none()
    return _rows(tickets)


def supervision_counts(*, actor: User) -> dict[str, int]:
    """How many tickets each supervision view of ``actor`` holds."""
    return {view: supervision_tickets(actor=actor, view=view).count() for view in SUPERVISION_VIEWS}


def pending_extension(ticket: Ticket) -> ExtensionRequest | None:
    """The ticket's extension request awaiting decision, if any."""
    return (
        ticket.extension_requests.filter(status=ExtensionRequest.Status.PENDING)
        .select_related("requested_by", "department")
        .first()
    )


CALLBACK_VIEWS = ("to_call", "awaiting_questionnaire")


def callback_tasks(*, actor: User, view: str = "") -> QuerySet[Ticket]:
    """List the closed tickets not yet called back since their last closing (回访任务).

    Oldest closing first; for agents and dispatchers of the hotline centre only (an empty list
    for anyone else). Merged tickets are not called back (their main ticket is). Each ticket
    carries ``questionnaire_until``: when the SMS questionnaire of this closing is still open,
    the time its link expires, else ``None``. ``view``: ``to_call`` (no open questionnaire: to
    call by phone, including those whose questionnaire expired unanswered),
    ``awaiting_questionnaire`` (the citizen may still answer the SMS), anything else: all.
    """
    if not can_call_back(actor=actor):
        return Ticket.objects.none()
    done = Callback.objects.filter(ticket=OuterRef("pk"), cycle=OuterRef("reopen_count"))
    open_questionnaire = CallbackQuestionnaire.objects.filter(
        ticket=OuterRef("pk"),
        cycle=OuterRef("reopen_count"),
        answered_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    tickets = (
        Ticket.objects.filter(status=Ticket.Status.CLOSED)
        .exclude(Exists(done))
        .annotate(questionnaire_until=Subquery(open_questionnaire.values("expires_at")[:1]))
    )
    if view == "to_call":
        tickets = tickets.filter(questionnaire_until__isnull=True)
    elif view == "awaiting_questionnaire":
        tickets = tickets.filter(questionnaire_until__isnull=False)
    return _rows(tickets.order_by("closed_at", "id"))
