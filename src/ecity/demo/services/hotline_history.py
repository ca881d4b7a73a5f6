"""A year of hotline history for the demo city, generated in bulk but consistently.

Each ticket gets a number from its day's sequence (the ``core.Sequence`` rows are advanced, so
later intake never repeats one), a category-specific text with a place of the demo city, the
limits of its urgency (in working time, as dispatch computes them) and the whole closed loop as
events: received → dispatched → signed for → answered → closed → called back (about one in
twenty callers is not satisfied: the ticket is reopened, answered and closed again). One call
in ten is answered at intake (直接办结). Volumes follow the categories' seasons, and the last two
weeks carry a rising topic (``data.hotline.RISING_TEXTS``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TypeVar, cast

from django.utils import timezone

from ecity.core.bulk import column_values_set
from ecity.core.calendar import calendar_snapshot
from ecity.core.models import Sequence
from ecity.demo.data import hotline as data
from ecity.hotline.models import Callback, Category, Ticket, TicketEvent, TicketKind, Urgency
from ecity.hotline.numbers import (
    TICKET_NUMBER_PREFIX,
    phone_index,
    query_code_generate,
    ticket_number_scope,
)
from ecity.hotline.selectors.limits import Limits
from ecity.hotline.services.dispatch import due_after, limits_for
from ecity.identity.models import User
from ecity.org.models import Department, Region

DAYS = 365
RISING_DAYS = 14
RISING_SHARE = 0.05
AT_INTAKE_SHARE = 0.1
LATE_SHARE = 0.08
# Tickets handled by the parent category's department (misfiled, or transferred there): the
# history is not perfectly regular, as a real one is not.
PARENT_DEPARTMENT_SHARE = 0.08
Action = TicketEvent.Action
_Dated = TypeVar("_Dated", TicketEvent, Callback)


@dataclass
class _Planned:
    ticket: Ticket
    events: list[tuple[str, dt.datetime, dict[str, object]]] = field(default_factory=list)
    callbacks: list[dict[str, object]] = field(default_factory=list)


def _days_weights(
    today: dt.date, peak_months: tuple[int, ...]
) -> tuple[list[dt.date], list[float]]:
    days = [today - dt.timedelta(days=offset) for offset in range(1, DAYS + 1)]
    weights = [
        (2.2 if day.month in peak_months else 1.0) * (0.7 if day.weekday() >= 5 else 1.0)
        for day in days
    ]
    return days, weights


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    naive = dt.datetime.combine(day, dt.time(rng.choice(range(7, 22)), rng.randrange(60)))
    return timezone.make_aware(naive)


def _place(rng: random.Random, communities: list[Region]) -> tuple[Region, str, str, str]:
    community = rng.choice(communities)
    subdistrict = cast(Region, community.parent)
    road = rng.choice(data.ROADS[subdistrict.code])
    address = f"{cast(Region, subdistrict.parent).name_zh}{road}{rng.randint(1, 288)}号"
    return community, community.name_zh, road, address


def history_generate(*, count: int, rng: random.Random, staff: dict[str, User]) -> int:
    """Create ``count`` tickets of the past year (plus the rising topic); return how many.

    Each is closed, called back and sometimes reopened along a realistic timeline; the recent
    ones whose timeline runs past now are left open in the state reached (``_as_of``)."""
    # Every deadline of the batch is counted on one snapshot of the working-day calendar.
    with calendar_snapshot():
        return _generate(count=count, rng=rng, staff=staff)


def _generate(*, count: int, rng: random.Random, staff: dict[str, User]) -> int:
    today = timezone.localdate()
    leaves = [c for children in data.CHILDREN.values() for c in children]
    categories = Category.objects.select_related("parent__department").in_bulk(
        [c.code for c in leaves], field_name="code"
    )
    departments = Department.objects.select_related("region").in_bulk(field_name="code")
    communities = list(
        Region.objects.filter(level=Region.Level.COMMUNITY, parent__code__in=data.ROADS)
        .select_related("parent__parent")
        .order_by("code")
    )
    offices = {
        d.region.code: d
        for d in departments.values()
        if d.region and d.region.level == "subdistrict"
    }
    # The limits of every kind and urgency, read once (they are the same for the whole batch).
    limits = {
        (kind, urgency): limits_for(kind=kind, urgency=urgency)
        for kind in TicketKind.values
        for urgency in Urgency.values
    }
    rising_count = round(count * RISING_SHARE)
    planned: list[_Planned] = []
    for leaf, share in zip(leaves, _shares(count - rising_count, leaves), strict=True):
        days, weights = _days_weights(today, leaf.peak_months)
        for day in rng.choices(days, weights=weights, k=share):
            title, description = rng.choice(leaf.texts)
            planned.append(
                _plan(
                    rng,
                    leaf,
                    categories[leaf.code],
                    day,
                    title,
                    description,
                    communities,
                    departments,
                    offices,
                    staff,
                    limits,
                )
            )
    rising = data.CHILDREN["GGAQ"][1]
    recent = [today - dt.timedelta(days=offset) for offset in range(1, RISING_DAYS + 1)]
    for day in rng.choices(
        recent,
        weights=[RISING_DAYS + 1 - i for i in range(1, RISING_DAYS + 1)],
        k=rising_count,
    ):
        title, description = rng.choice(data.RISING_TEXTS)
        planned.append(
            _plan(
                rng,
                rising,
                categories[rising.code],
                day,
                title,
                description,
                communities,
                departments,
                offices,
                staff,
                limits,
            )
        )
    now = timezone.now()
    for plan in planned:
        _as_of(plan, now)
    _save(planned)
    return len(planned)


# The state a ticket is in after each step of its timeline.
_STATUS_AFTER: dict[str, str] = {
    Action.RECEIVE: Ticket.Status.RECEIVED,
    Action.RESOLVE_AT_INTAKE: Ticket.Status.CLOSED,
    Action.DISPATCH: Ticket.Status.DISPATCHED,
    Action.SIGN: Ticket.Status.HANDLING,
    Action.ANSWER: Ticket.Status.ANSWERED,
    Action.CLOSE: Ticket.Status.CLOSED,
    Action.REOPEN: Ticket.Status.HANDLING,
}


def _as_of(plan: _Planned, now: dt.datetime) -> None:
    """Keep what has happened by ``now``: a recent ticket whose timeline runs past it is left
    in the state it has reached (awaiting dispatch, sign-for, an answer or review, or closed
    without its callback yet), with only the steps, times and counts it has reached."""
    if plan.events[-1][1] <= now and all(cast(dt.datetime, c["at"]) <= now for c in plan.callbacks):
        return
    plan.events = [event for event in plan.events if event[1] <= now]
    plan.callbacks = [c for c in plan.callbacks if cast(dt.datetime, c["at"]) <= now]
    ticket = plan.ticket
    reached = {action for action, _at, _values in plan.events}
    status = next(
        _STATUS_AFTER[action]
        for action, _at, _v in reversed(plan.events)
        if action in _STATUS_AFTER
    )
    ticket.status = status
    if Action.DISPATCH not in reached:
        ticket.department = None
        ticket.dispatched_at = ticket.sign_due_at = ticket.due_at = None
    if Action.SIGN not in reached:
        ticket.signed_at = None
    answers = [(at, str(v["note"])) for action, at, v in plan.events if action == Action.ANSWER]
    ticket.answered_at, ticket.answer = answers[-1] if answers else (None, "")
    closes = [at for action, at, _v in plan.events if action == Action.CLOSE]
    ticket.closed_at = closes[-1] if status == Ticket.Status.CLOSED else None
    ticket.reopen_count = sum(1 for action, _at, _v in plan.events if action == Action.REOPEN)


def _shares(total: int, leaves: list[data.Cat]) -> list[int]:
    """Split ``total`` by the leaves' weights into whole numbers adding up to ``total``."""
    weight = sum(leaf.weight for leaf in leaves)
    exact = [total * leaf.weight / weight for leaf in leaves]
    shares = [int(value) for value in exact]
    by_remainder = sorted(range(len(leaves)), key=lambda i: shares[i] - exact[i])
    for index in by_remainder[: total - sum(shares)]:
        shares[index] += 1
    return shares


def _plan(
    rng: random.Random,
    leaf: data.Cat,
    category: Category,
    day: dt.date,
    title: str,
    description: str,
    communities: list[Region],
    departments: dict[str, Department],
    offices: dict[str, Department],
    staff: dict[str, User],
    limits_by_kind: dict[tuple[str, str], Limits],
) -> _Planned:
    community, place, road, address = _place(rng, communities)
    received = _moment(rng, day)
    urgency = rng.choices(["ordinary", "urgent", "emergency"], weights=[90, 8, 2])[0]
    channel = rng.choices(["phone", "mobile", "web", "mailbox"], weights=[70, 15, 12, 3])[0]
    agent = staff[rng.choice(["agent_12345", "agent2_12345"])]
    dispatcher = staff["dispatcher_12345"]
    phone = f"13{rng.randint(500000000, 999999999)}"
    surname = rng.choice(data.SURNAMES)
    subdistrict_code = cast(Region, community.parent).code
    center_lon, center_lat = data.CENTRES[subdistrict_code]
    ticket = Ticket(
        query_code=query_code_generate(),
        kind=leaf.kind,
        channel=channel,
        urgency=urgency,
        category=category,
        title=title.format(place=place, road=road)[:200],
        description=description.format(place=place, road=road),
        caller_name=f"{surname}{rng.choice(['先生', '女士'])}",
        caller_phone=phone,
        caller_phone_index=phone_index(phone),
        address=address,
        region=community,
        latitude=round(center_lat + rng.uniform(-0.015, 0.015), 6),
        longitude=round(center_lon + rng.uniform(-0.015, 0.015), 6),
        status=Ticket.Status.CLOSED,
        received_by=agent if channel == "phone" else None,
        received_at=received,
        public_consent=rng.random() < 0.3,
    )
    answer = leaf.answer.format(place=place, road=road)
    plan = _Planned(ticket=ticket)
    plan.events.append((Action.RECEIVE, received, {"actor": ticket.received_by}))
    if channel == "phone" and rng.random() < AT_INTAKE_SHARE:
        ticket.resolved_at_intake = True
        ticket.answer = answer
        resolved = received + dt.timedelta(minutes=rng.randint(3, 12))
        ticket.answered_at = ticket.closed_at = resolved
        plan.events.append((Action.RESOLVE_AT_INTAKE, resolved, {"actor": agent, "note": answer}))
        return plan
    office = offices.get(subdistrict_code)
    department = office if leaf.local and office else departments[leaf.department]
    if rng.random() < PARENT_DEPARTMENT_SHARE and category.parent is not None:
        department = category.parent.department or department
    limits = limits_by_kind[(ticket.kind, urgency)]
    dispatched = received + dt.timedelta(minutes=rng.randint(5, 90))
    ticket.department = department
    ticket.dispatched_at = dispatched
    sign_due = due_after(dispatched, limits.sign_within, limits.sign_unit)
    due = due_after(dispatched, limits.answer_within, limits.answer_unit)
    signed: dt.datetime = dispatched + (sign_due - dispatched) * rng.uniform(0.1, 0.9)
    late = rng.random() < LATE_SHARE
    answered: dt.datetime = signed + (due - signed) * (
        rng.uniform(1.05, 1.6) if late else rng.uniform(0.1, 0.95)
    )
    closed = answered + dt.timedelta(hours=rng.uniform(1, 20))
    ticket.sign_due_at, ticket.due_at, ticket.signed_at = sign_due, due, signed
    ticket.answered_at, ticket.closed_at, ticket.answer = answered, closed, answer
    plan.events += [
        (Action.DISPATCH, dispatched, {"actor": dispatcher, "department": department}),
        (Action.SIGN, signed, {"department": department}),
        (Action.ANSWER, answered, {"department": department, "note": answer, "public": False}),
        (Action.CLOSE, closed, {"actor": dispatcher, "note": answer}),
    ]
    if rng.random() < 0.85:
        _call_back(rng, plan, agent, dispatcher, department, closed)
    return plan


def _call_back(
    rng: random.Random,
    plan: _Planned,
    agent: User,
    dispatcher: User,
    department: Department,
    closed: dt.datetime,
) -> None:
    ticket = plan.ticket
    at = closed + dt.timedelta(hours=rng.uniform(2, 48))
    satisfaction = rng.choices(
        ["satisfied", "fairly_satisfied", "dissatisfied"], weights=[76, 19, 5]
    )[0]
    reopen = satisfaction == "dissatisfied"
    plan.callbacks.append(
        {
            "cycle": 0,
            "satisfaction": satisfaction,
            "is_solved": not reopen,
            "at": at,
            "agent": agent,
            "led_to_reopen": reopen,
            "comment": "问题仍未解决。" if reopen else "",
        }
    )
    plan.events.append(
        (
            Action.CALLBACK,
            at,
            {"actor": agent, "note": str(Callback.Satisfaction(satisfaction).label)},
        )
    )
    if not reopen:
        return
    ticket.reopen_count = 1
    answered = at + dt.timedelta(days=rng.uniform(1, 4))
    closed = answered + dt.timedelta(hours=3)
    ticket.answered_at, ticket.closed_at = answered, closed
    second = "已再次到现场处理并与市民当面沟通，问题已彻底解决。"
    ticket.answer = second
    plan.events += [
        (Action.REOPEN, at, {"actor": agent, "department": department, "note": "问题仍未解决。"}),
        (Action.ANSWER, answered, {"department": department, "note": second, "public": False}),
        (Action.CLOSE, closed, {"actor": dispatcher, "note": second}),
    ]
    again = closed + dt.timedelta(hours=6)
    plan.callbacks.append(
        {
            "cycle": 1,
            "satisfaction": "fairly_satisfied",
            "is_solved": True,
            "at": again,
            "agent": agent,
            "led_to_reopen": False,
            "comment": "",
        }
    )
    plan.events.append(
        (
            Action.CALLBACK,
            again,
            {"actor": agent, "note": str(Callback.Satisfaction.FAIRLY_SATISFIED.label)},
        )
    )


def _save(planned: list[_Planned]) -> None:
    """Number the tickets day by day after each day's sequence, then write everything in bulk."""
    planned.sort(key=lambda p: p.ticket.received_at)
    per_day: dict[str, int] = defaultdict(int)
    for plan in planned:
        day = timezone.localdate(plan.ticket.received_at)
        per_day[ticket_number_scope(on=day)] += 1
    existing = dict(Sequence.objects.filter(scope__in=per_day).values_list("scope", "last"))
    next_number = {scope: existing.get(scope, 0) for scope in per_day}
    for plan in planned:
        day = timezone.localdate(plan.ticket.received_at)
        scope = ticket_number_scope(on=day)
        next_number[scope] += 1
        plan.ticket.number = f"{TICKET_NUMBER_PREFIX}-{day:%Y%m%d}-{next_number[scope]:06d}"
    for scope, last in next_number.items():
        Sequence.objects.update_or_create(scope=scope, defaults={"last": last})
    tickets = Ticket.objects.bulk_create([p.ticket for p in planned], batch_size=500)
    if tickets and tickets[0].pk is None:  # databases that return no keys from bulk inserts
        keys = dict(
            Ticket.objects.filter(number__in=[t.number for t in tickets]).values_list(
                "number", "pk"
            )
        )
        for ticket in tickets:
            ticket.pk = keys[ticket.number]
    column_values_set(Ticket, "created_at", {t.pk: t.received_at for t in tickets})
    column_values_set(Ticket, "updated_at", {t.pk: t.closed_at or t.received_at for t in tickets})
    for ticket in tickets:
        ticket.created_at = ticket.received_at
        ticket.updated_at = ticket.closed_at or ticket.received_at
    events = [
        TicketEvent(ticket=plan.ticket, action=action, created_at=at, **values)
        for plan in planned
        for action, at, values in plan.events
    ]
    _bulk_dated(TicketEvent, events)
    callbacks = [
        Callback(
            ticket=plan.ticket,
            method="phone",
            created_at=cast(dt.datetime, values.pop("at")),
            **values,
        )
        for plan in planned
        for values in plan.callbacks
    ]
    _bulk_dated(Callback, callbacks)


def _bulk_dated(model: type[_Dated], rows: list[_Dated]) -> None:
    """Bulk-create ``rows`` keeping their past ``created_at`` (which ``auto_now_add`` replaces)."""
    dates = [row.created_at for row in rows]
    created = model._default_manager.bulk_create(rows, batch_size=1000)
    if not created or created[0].pk is None:
        return
    column_values_set(
        model, "created_at", {row.pk: at for row, at in zip(created, dates, strict=True)}
    )
    for row, at in zip(created, dates, strict=True):
        row.created_at = at
