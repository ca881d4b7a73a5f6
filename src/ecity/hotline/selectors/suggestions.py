"""The dispatch suggestion: the one place that ranks departments for a ticket.

Rules first, then the classifier, then history, each adding to a department's score, so every
caller gets one ranking:

1. a category marked ``local`` goes to the sub-district office of the ticket's region (the
   active department whose region is the ticket's sub-district, or the sub-district above the
   ticket's community): score ``LOCAL_RULE``;
2. the category's usual department: score ``USUAL_RULE`` (``USUAL_RULE_WHEN_LOCAL`` when rule
   1 found an office);
3. the dispatch classifier (``hotline/classifier.py``, trained on the text of closed tickets):
   ``CLASSIFIER_WEIGHT`` × its probability for each of its top three departments;
4. how often closed tickets of the category went to each department: ``HISTORY_WEIGHT`` × the
   department's share.

Classifier and history together stay below ``USUAL_RULE`` (0.35 + 0.3 < 0.7), so they never
outrank the usual department; they decide among the rest, and alone when a ticket has no
category yet.

Scores of one department add up (capped at 1); the top three are returned, best first, each
with the reasons that gave it points.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from ecity.hotline.classifier import classifier_predict
from ecity.hotline.models import Ticket
from ecity.org.models import Department, Region

LOCAL_RULE = 0.8
USUAL_RULE = 0.7
USUAL_RULE_WHEN_LOCAL = 0.4
CLASSIFIER_WEIGHT = 0.35
HISTORY_WEIGHT = 0.3
TOP = 3
#: Classifier guesses below this probability are noise, not suggestions.
MIN_CLASSIFIER_SCORE = 0.05


@dataclass(frozen=True)
class Suggestion:
    """One suggested department with its score (0–1) and why."""

    department: Department
    score: float
    reason: str


def subdistrict_office(region: Region | None) -> Department | None:
    """The active department whose region is ``region``'s sub-district (or None)."""
    while region is not None and region.level == Region.Level.COMMUNITY:
        region = region.parent
    if region is None or region.level != Region.Level.SUBDISTRICT:
        return None
    return (
        Department.objects.filter(region=region, is_active=True)
        .order_by("sort_order", "code")
        .first()
    )


def dispatch_suggest(ticket: Ticket) -> list[Suggestion]:
    """Return up to three departments for ``ticket``, best first (rules in the module docstring).

    Reads only; no permission check (shown to those who may dispatch). A ticket without
    category gets suggestions from the classifier (if trained) and its region's sub-district
    office, if any.
    """
    scores: dict[int, float] = defaultdict(float)
    reasons: dict[int, list[str]] = defaultdict(list)
    departments: dict[int, Department] = {}

    def add(department: Department, score: float, reason: str) -> None:
        departments[department.pk] = department
        scores[department.pk] += score
        reasons[department.pk].append(reason)

    category = ticket.category
    office = None
    if category is not None and category.local:
        office = subdistrict_office(ticket.region)
        if office is not None:
            add(office, LOCAL_RULE, _("sub-district office of the place (local matter)"))
    usual = category.department if category is not None else None
    if usual is not None and usual.is_active:
        weight = USUAL_RULE_WHEN_LOCAL if office is not None else USUAL_RULE
        add(usual, weight, _("usual department of the category"))
    predictions = classifier_predict(ticket.title, ticket.description)
    predicted = Department.objects.filter(
        code__in=[p.department_code for p in predictions], is_active=True
    ).in_bulk(field_name="code")
    for prediction in predictions:
        department = predicted.get(prediction.department_code)
        if department is not None and prediction.score >= MIN_CLASSIFIER_SCORE:
            add(
                department,
                CLASSIFIER_WEIGHT * prediction.score,
                _("text resembles tickets it handled (%(score)d%%)")
                % {"score": round(prediction.score * 100)},
            )
    if category is not None:
        counts = list(
            Ticket.objects.filter(
                category=category, status=Ticket.Status.CLOSED, department__isnull=False
            )
            .values("department")
            # COUNT(*), not COUNT(id): read from the index (category, status, department)
            # alone, without visiting a category's many closed tickets.
            .annotate(n=Count("*"))
            .order_by("-n", "department")[:10]
        )
        total = sum(row["n"] for row in counts)
        known = Department.objects.in_bulk([row["department"] for row in counts])
        for row in counts:
            department = known.get(row["department"])
            if department is None or not department.is_active or total == 0:
                continue
            share = row["n"] / total
            add(
                department,
                HISTORY_WEIGHT * share,
                _("%(share)d%% of closed tickets of this category") % {"share": round(share * 100)},
            )
    if office is None and (category is None or not category.local):
        # Without a local rule the region's office is still a sensible third choice.
        fallback = subdistrict_office(ticket.region)
        if fallback is not None and fallback.pk not in departments:
            add(fallback, 0.1, _("sub-district office of the place"))
    ranked = sorted(departments, key=lambda pk: (-scores[pk], departments[pk].code))
    return [
        Suggestion(
            department=departments[pk],
            score=round(min(scores[pk], 1.0), 2),
            reason="; ".join(reasons[pk]),
        )
        for pk in ranked[:TOP]
    ]
