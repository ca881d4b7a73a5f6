"""Template hooks of the rating pages (好差评) into the workbench and supervision pages.

The workbench and supervision views know nothing of ratings: their templates load these tags,
which read what the logged-in member of staff may see through ``selectors.ratings``.
"""

from __future__ import annotations

from typing import Any

from django import template

from ecity.cases.models import Case
from ecity.cases.selectors import ratings as selectors

register = template.Library()


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("cases/ratings/_tab.html", takes_context=True)
def rectification_tab(context: template.Context) -> dict[str, Any]:
    """The workbench tab of the low ratings to rectify (only for staff who work on them)."""
    user = _user(context)
    count = selectors.rectification_queue_count(actor=user) if user is not None else None
    return {"count": count}


@register.inclusion_tag("cases/ratings/_counter_panel.html", takes_context=True)
def counter_rating_panel(context: template.Context, case: Case) -> dict[str, Any]:
    """On a staff case page: open the counter's rating device, or show the case's rating."""
    user = _user(context)
    if user is None:
        return {}
    rating = selectors.rating_for_case(case=case)
    can_open_rating = rating is not None and (
        selectors.is_department_staff(actor=user, department=case.department)
        or selectors.supervises_department(actor=user, department=case.department)
    )
    return {
        "case": case,
        "rating": rating,
        "can_open_rating": can_open_rating,
        "can_issue": rating is None
        and selectors.can_issue_counter_invitation(actor=user, case=case),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("cases/ratings/_supervision.html", takes_context=True)
def rating_supervision(context: template.Context) -> dict[str, Any]:
    """On the supervision page: overdue and unresolved rectifications, appeals to decide."""
    user = _user(context)
    return {"supervision": selectors.rating_supervision(actor=user) if user is not None else None}
