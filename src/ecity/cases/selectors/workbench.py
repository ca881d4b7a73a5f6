"""Staff reads on cases: queues of the workbench, one case with everything staff need to see.

Who sees what:

* a queue shows the cases and tasks of the departments where the actor holds the matching role
  (counter clerk: acceptance; reviewer/approver: the tasks for that role), sub-units included;
* a case is visible to the lead department's staff, to departments with a task on it, to copied
  departments (read-only), to supervisors who supervise it (read-only, may urge) and to platform
  administrators. Anyone else gets ``NotFound`` so case numbers cannot be probed.

Personal data (the applicant's ID number, personal form fields) is shown in full only to those
handling the case (``StaffCase.shows_personal_data``); copied departments and supervisors see it
masked, and every queue lists it masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from ecity.cases.deadlines import OPEN_STATUSES
from ecity.cases.models import Case, CaseCopy, CaseEvent, CaseTask, CorrectionRequest
from ecity.cases.selectors.rows import LIST_DEFERRED, OPEN_TASK_STATUSES, case_rows
from ecity.cases.selectors.supervision import can_supervise
from ecity.core.errors import NotFound
from ecity.identity.models import User
from ecity.identity.selectors import UNMASKING_ROLES, can_see_unmasked
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import departments_where, is_platform_admin, user_has_role

HANDLING_ROLES = (
    StaffRole.Role.COUNTER_CLERK,
    StaffRole.Role.REVIEWER,
    StaffRole.Role.APPROVER,
)
CASE_QUEUES = ("to_accept", "awaiting_correction", "due_soon", "overdue")
TASK_QUEUES = ("to_review", "to_decide", "done")
QUEUE_NAMES = (
    "to_accept",
    "to_review",
    "to_decide",
    "awaiting_correction",
    "due_soon",
    "overdue",
    "done",
)


def _role_departments(actor: User) -> dict[str, set[int]]:
    return {
        role: set(departments_where(user=actor, role=role).values_list("id", flat=True))
        for role in HANDLING_ROLES
    }


def _task_role_filter(roles: dict[str, set[int]], prefix: str = "") -> Q:
    condition = Q(pk__in=[])
    for role, ids in roles.items():
        if ids:
            condition |= Q(**{f"{prefix}role": role, f"{prefix}department_id__in": ids})
    return condition


def _open_case_visibility(department_ids: set[int]) -> Q:
    """Open cases led by one of the departments, or with a task for one of them.

    Only for querysets of open cases: the task side reads the tasks marked as being on an open
    case (``CaseTask.on_open_case``, a partial index), not the departments' whole history.
    """
    tasks = CaseTask.objects.filter(
        case=OuterRef("pk"), department_id__in=department_ids, on_open_case=True
    )
    return Q(department_id__in=department_ids) | Q(Exists(tasks))


def _task_rows(tasks: QuerySet[CaseTask]) -> QuerySet[CaseTask]:
    return tasks.select_related(
        "case", "case__service_version", "case__department", "department", "claimed_by"
    ).defer(*(f"case__{name}" for name in LIST_DEFERRED))


def queue(*, actor: User, name: str, department: int | None = None) -> QuerySet:
    """Return one workbench queue of ``actor``: cases or tasks, oldest deadline first.

    ``to_accept``, ``awaiting_correction``, ``due_soon`` and ``overdue`` list ``Case`` rows (with
    ``open_tasks`` prefetched); ``to_review``, ``to_decide`` and ``done`` list ``CaseTask`` rows
    (case joined). ``department`` (an id) narrows the queue to one of the actor's departments.
    A page costs a constant number of queries. Unknown names raise ``NotFound``.
    """
    if name not in QUEUE_NAMES:
        raise NotFound(_("No such queue."))
    return _queue(actor=actor, name=name, department=department, roles=_role_departments(actor))


def _queue(
    *, actor: User, name: str, department: int | None, roles: dict[str, set[int]]
) -> QuerySet:
    if department is not None:
        roles = {role: ids & {int(department)} for role, ids in roles.items()}
    every = set().union(*roles.values())
    if name == "to_accept":
        cases = Case.objects.filter(
            status=Case.Status.SUBMITTED,
            department_id__in=roles[StaffRole.Role.COUNTER_CLERK],
        ).order_by("acceptance_due_on", "submitted_at", "id")
        return case_rows(cases)
    if name in ("to_review", "to_decide"):
        kind = CaseTask.Kind.REVIEW if name == "to_review" else CaseTask.Kind.DECIDE
        tasks = CaseTask.objects.filter(
            _task_role_filter(roles),
            kind=kind,
            status__in=OPEN_TASK_STATUSES,
            case__status=Case.Status.IN_PROGRESS,
        ).order_by("case__committed_due_on", "created_at", "id")
        return _task_rows(tasks)
    if name == "done":
        tasks = CaseTask.objects.filter(completed_by=actor, status=CaseTask.Status.COMPLETED)
        if department is not None:
            tasks = tasks.filter(department_id=department)
        return _task_rows(tasks.order_by("-completed_at", "-id"))
    cases = Case.objects.filter(_open_case_visibility(every), status__in=OPEN_STATUSES)
    if name == "awaiting_correction":
        cases = cases.filter(status=Case.Status.AWAITING_CORRECTION).order_by("updated_at", "id")
    else:
        cases = cases.filter(status__in=OPEN_STATUSES, deadline_state=name).order_by(
            "committed_due_on", "acceptance_due_on", "id"
        )
    return case_rows(cases)


def queue_counts(*, actor: User) -> dict[str, int]:
    """How many entries each of ``actor``'s queues holds.

    The same filters as ``queue``, counted in four queries: the task queues together, the case
    queues (awaiting correction, due soon, overdue) together, acceptance, and done.
    """
    roles = _role_departments(actor)  # once, not once per queue
    every = set().union(*roles.values())
    counts = {
        name: _queue(actor=actor, name=name, department=None, roles=roles).count()
        for name in ("to_accept", "done")
    }
    counts.update(
        CaseTask.objects.filter(
            _task_role_filter(roles),
            status__in=OPEN_TASK_STATUSES,
            case__status=Case.Status.IN_PROGRESS,
        ).aggregate(  # counting "case" (never null) keeps it an index-only scan
            to_review=Count("case", filter=Q(kind=CaseTask.Kind.REVIEW)),
            to_decide=Count("case", filter=Q(kind=CaseTask.Kind.DECIDE)),
        )
    )
    counts.update(
        Case.objects.filter(_open_case_visibility(every), status__in=OPEN_STATUSES).aggregate(
            awaiting_correction=Count("pk", filter=Q(status=Case.Status.AWAITING_CORRECTION)),
            due_soon=Count("pk", filter=Q(deadline_state=Case.DeadlineState.DUE_SOON)),
            overdue=Count("pk", filter=Q(deadline_state=Case.DeadlineState.OVERDUE)),
        )
    )
    return {name: counts[name] for name in QUEUE_NAMES}


#: The queue each handling role works from, in the order a workbench looks for work.
ROLE_QUEUES: dict[str, str] = {
    StaffRole.Role.COUNTER_CLERK: "to_accept",
    StaffRole.Role.REVIEWER: "to_review",
    StaffRole.Role.APPROVER: "to_decide",
}
DEADLINE_QUEUES = ("overdue", "due_soon", "awaiting_correction")


def queue_default(*, actor: User, counts: dict[str, int]) -> str:
    """Return the queue the workbench opens on for ``actor``, given ``queue_counts``.

    The first queue of one of the actor's handling roles that holds work (a clerk's cases to
    accept, a reviewer's open reviews of his departments, an approver's decisions); else the
    first deadline queue with cases (overdue, due soon, awaiting correction); else the queue of
    the actor's first handling role, so a clerk with nothing to do sees the empty acceptance
    queue rather than reviews he cannot do. Staff without a handling role (supervisors,
    department administrators) open on the overdue cases.
    """
    held: set[str]
    if is_platform_admin(user=actor):
        held = set(ROLE_QUEUES)
    else:
        held = set(
            StaffRole.objects.filter(user=actor, is_active=True, role__in=list(ROLE_QUEUES))
            .filter(Q(department__isnull=True) | Q(department__is_active=True))
            .values_list("role", flat=True)
        )
    own = [name for role, name in ROLE_QUEUES.items() if role in held]
    for name in [*own, *DEADLINE_QUEUES]:
        if counts.get(name):
            return name
    return own[0] if own else "overdue"


@dataclass
class StaffCase:
    """A case as a member of staff sees it, with what they may do on it."""

    case: Case
    is_read_only: bool
    actionable_tasks: list[CaseTask] = field(default_factory=list)
    can_accept: bool = False
    can_decide_extension: bool = False
    can_copy: bool = False
    can_urge: bool = False
    shows_personal_data: bool = False  # the applicant's personal data unmasked


def _case_for_staff(number: str) -> Case:
    case = (
        Case.objects.select_related(
            "service_version",
            "department",
            "process",
            "applicant",
            "applicant_person",
            "applicant_legal_entity",
        )
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound(_("No such case among those you may see."))
    return case


def _handles(actor: User, case: Case, tasks: list[CaseTask]) -> bool:
    # Handling a case shows its personal data in full: exactly the roles identity declares as
    # unmasking (and so as needing a second factor).
    departments = {case.department} | {t.department for t in tasks}
    roles = sorted(UNMASKING_ROLES)
    return any(
        user_has_role(user=actor, role=role, department=dept)
        for dept in departments
        for role in roles
    )


def case_get_for_staff(*, actor: User, number: str) -> StaffCase:
    """Return case ``number`` for a member of staff, with their rights on it.

    Full access for the lead department, departments with a task and platform administrators;
    read-only for copied departments and supervisors. Others: ``NotFound``. Those with full
    access handle the case and see the applicant's personal data unmasked; read-only viewers
    see it masked (``identity.selectors.can_see_unmasked``).
    """
    case = _case_for_staff(number)
    tasks = list(case.tasks.select_related("department", "claimed_by"))
    if is_platform_admin(user=actor) or _handles(actor, case, tasks):
        read_only = False
    else:
        copied = [c.department for c in case.copies.select_related("department")]
        is_copied = any(
            user_has_role(user=actor, role=role, department=dept)
            for dept in copied
            for role in (*HANDLING_ROLES, StaffRole.Role.DEPARTMENT_ADMIN)
        )
        if not is_copied and not can_supervise(actor=actor, case=case):
            raise NotFound(_("No such case among those you may see."))
        read_only = True
    view = StaffCase(case=case, is_read_only=read_only)
    view.shows_personal_data = can_see_unmasked(
        actor=actor, subject=case.applicant, handles_case=not read_only
    )
    view.can_urge = case.status in OPEN_STATUSES and can_supervise(actor=actor, case=case)
    if read_only:
        return view
    view.actionable_tasks = [
        t
        for t in tasks
        if t.status in OPEN_TASK_STATUSES
        and case.status == Case.Status.IN_PROGRESS
        and t.claimed_by_id in (None, actor.pk)
        and user_has_role(user=actor, role=t.role, department=t.department)
    ]
    lead_clerk = user_has_role(
        user=actor, role=StaffRole.Role.COUNTER_CLERK, department=case.department
    )
    view.can_accept = case.status == Case.Status.SUBMITTED and lead_clerk
    view.can_decide_extension = (
        case.accepted_at is not None
        and case.status in OPEN_STATUSES
        and user_has_role(user=actor, role=StaffRole.Role.APPROVER, department=case.department)
    )
    view.can_copy = not case.is_closed and any(
        user_has_role(user=actor, role=role, department=case.department) for role in HANDLING_ROLES
    )
    return view


def case_opinions(*, case: Case) -> QuerySet[CaseTask]:
    """The completed review and decision tasks of ``case`` with their outcome and opinion."""
    return (
        case.tasks.filter(
            status=CaseTask.Status.COMPLETED,
            kind__in=(CaseTask.Kind.REVIEW, CaseTask.Kind.DECIDE),
        )
        .select_related("department", "completed_by")
        .order_by("completed_at", "id")
    )


def case_timeline(*, case: Case, include_internal: bool = True) -> QuerySet[CaseEvent]:
    """Every action on ``case`` with actor, department and time, oldest first."""
    events = case.events.select_related("actor", "department", "task")
    if not include_internal:
        events = events.filter(is_public=True)
    return events.order_by("created_at", "id")


def case_copies(*, case: Case) -> QuerySet[CaseCopy]:
    """The departments copied on ``case``."""
    return case.copies.select_related("department").order_by("department__sort_order")


def case_open_correction(*, case: Case) -> CorrectionRequest | None:
    """The correction request the applicant has not answered yet, if any."""
    return case.corrections.filter(resolved_at__isnull=True).first()


def task_get_for_staff(*, actor: User, public_id: str) -> CaseTask:
    """Return task ``public_id`` if ``actor`` may see its case; else ``NotFound``."""
    task = (
        CaseTask.objects.select_related("case", "department").filter(public_id=public_id).first()
        if _is_uuid(public_id)
        else None
    )
    if task is None:
        raise NotFound(_("No such task."))
    case_get_for_staff(actor=actor, number=task.case.number)
    return task


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def can_handle_in(actor: User, department: Department) -> bool:
    """Whether ``actor`` handles cases in ``department``: counter clerk, reviewer or approver."""
    return any(
        user_has_role(user=actor, role=role, department=department)
        for role in (StaffRole.Role.COUNTER_CLERK, StaffRole.Role.REVIEWER, StaffRole.Role.APPROVER)
    )


def task_holders(task: CaseTask) -> list[User]:
    """Who must act on an open task: its holder, else everyone with its role in its department."""
    if task.claimed_by_id:
        return [task.claimed_by] if task.claimed_by else []
    return list(
        User.objects.filter(
            is_active=True,
            staff_roles__department=task.department,
            staff_roles__role=task.role,
            staff_roles__is_active=True,
        ).distinct()
    )


def case_fields_shown(case: Case) -> list[str]:
    """The fields of ``case`` a staff case view shows that hold personal data."""
    fields = ["applicant_name"]
    if case.applicant_identifier:
        fields.append("applicant_identifier")
    if case.form_data:
        fields.append("form_data")
    if case.applicant_person_id or case.applicant_legal_entity_id:
        fields.append("applicant_record")  # the summary of the applicant's registry record
    return fields
