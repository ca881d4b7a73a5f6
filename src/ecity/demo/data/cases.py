"""Joint (parallel) approval in the demo city 示范市: processes and the demo cases of 张伟."""

from __future__ import annotations

from typing import Any, NamedTuple

from ecity.core.validators import uscc_check_char
from ecity.demo.data import regions


class JointProcess(NamedTuple):
    """A joint service: the lead department accepts and decides, these departments review."""

    item_code: str
    name: str
    review_departments: tuple[str, ...]


PROCESSES: list[JointProcess] = [
    # 食品经营许可: market regulation leads; its food division and the health commission review.
    JointProcess("SCJ-XK-001", "食品经营许可并联审批（市场监管、卫生健康）", ("SCJ", "WJW")),
    # 公共场所卫生许可: health leads; fire safety of the venue is checked at the same time.
    JointProcess("WJW-XK-001", "公共场所卫生许可并联审批（卫生健康、消防救援）", ("WJW", "XFJ")),
    # 建设工程消防验收: housing and construction leads with the fire and rescue detachment.
    JointProcess("ZJW-XK-001", "建设工程消防验收并联审批（住建、消防救援）", ("ZJW", "XFJ")),
]

DEMO_APPLICANT = "zhangwei"


def individual_business_uscc(organisation: str) -> str:
    """A USCC (GB 32100) of an individual business (个体工商户, "92") in the demo city."""
    body = f"92{regions.CITY_CODE}{organisation}"
    return body + uscc_check_char(body)


# 张伟 runs two small individual businesses (个体工商户) in the demo city.
RESTAURANT = {
    "enterprise_name": "示范市东城区张记小馆",
    "uscc": individual_business_uscc("MA2CJ8X31"),
    "contact_name": "张伟",
    "mobile": "13800990001",
}
SALON = {
    "enterprise_name": "示范市东城区伟丽美发店",
    "uscc": individual_business_uscc("MA2WL6H57"),
    "contact_name": "张伟",
    "mobile": "13800990001",
}

# (item code, form answers, how far the case goes: "submitted" | "in_review" | "approved", or
# "due_soon" | "overdue": accepted, then moved back in time until it is that)
DEMO_CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "SCJ-XK-001",
        {
            **RESTAURANT,
            "business_address": "示范市东城区东华社区人民路18号一层",
            "business_type": "catering",
            "business_items": "热食类食品制售、冷食类食品制售",
            "floor_area": 86,
            "delivery": "post",
        },
        "approved",
    ),
    (
        "SCJ-XK-001",
        {
            **RESTAURANT,
            "enterprise_name": "示范市东城区张记小馆（滨江店）",
            "business_address": "示范市滨江区望湖社区江滨大道88号",
            "business_type": "catering",
            "business_items": "热食类食品制售",
            "floor_area": 120,
            "delivery": "counter",
        },
        "in_review",
    ),
    (
        "WJW-XK-001",
        {
            **SALON,
            "venue_address": "示范市东城区和平路26号",
            "venue_type": "beauty",
            "floor_area": 65,
            "commitment": "no",
        },
        "submitted",
    ),
    # Accepted long enough ago that supervision shows them: one due within two working days,
    # one past its committed deadline (the supervisor 郑洁 can urge them from her page).
    (
        "SCJ-XK-001",
        {
            **RESTAURANT,
            "enterprise_name": "示范市东城区张记小馆（北站店）",
            "business_address": "示范市东城区站前路5号",
            "business_type": "catering",
            "business_items": "热食类食品制售",
            "floor_area": 64,
            "delivery": "post",
        },
        "due_soon",
    ),
    (
        "WJW-XK-001",
        {
            **SALON,
            "enterprise_name": "示范市东城区伟丽美发店（二店）",
            "venue_address": "示范市东城区和平路88号",
            "venue_type": "beauty",
            "floor_area": 48,
            "commitment": "no",
        },
        "overdue",
    ),
]
