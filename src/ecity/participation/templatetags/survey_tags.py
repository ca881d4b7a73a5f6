"""Rendering one survey question in the taking form (with the values sent back on errors)."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict

from ecity.participation.models import SurveyOption, SurveyQuestion

register = template.Library()


@register.inclusion_tag("participation/surveys/_question.html")
def survey_question(question: SurveyQuestion, errors: dict[str, str], post: QueryDict) -> dict:
    name = question.field_name
    options = [o for o in question.options.all() if o.role == SurveyOption.Role.OPTION]
    rows = [o for o in question.options.all() if o.role == SurveyOption.Role.ROW]
    chosen = set(post.getlist(name)) if post else set()
    row_items: list[dict[str, Any]] = [
        {"row": r, "name": f"{name}-{r.public_id}", "value": post.get(f"{name}-{r.public_id}", "")}
        for r in rows
    ]
    ranking: list[dict[str, Any]] = [
        {
            "option": o,
            "name": f"{name}-{o.public_id}",
            "value": post.get(f"{name}-{o.public_id}", ""),
        }
        for o in options
    ]
    return {
        "q": question,
        "name": name,
        "error": errors.get(name, ""),
        "options": [
            {"option": o, "id": str(o.public_id), "checked": str(o.public_id) in chosen}
            for o in options
        ],
        "rows": row_items,
        "ranking": ranking,
        "value": post.get(name, "") if post else "",
        "scale": range(1, (question.scale_max or 5) + 1),
        "condition": question.condition_question,
        "condition_ids": " ".join(str(o.public_id) for o in question.condition_options.all()),
    }
