"""Ratings (好差评) in the demo city 示范市: decided cases of 李娜 and 王芳, rated, and what
followed. 张伟's approved case stays unrated, for visitors to try the rating page themselves."""

from __future__ import annotations

from typing import Any, NamedTuple

from ecity.demo.data.cases import individual_business_uscc


class DemoRating(NamedTuple):
    """A case decided for ``applicant`` and rated; ``follow_up`` says what happened next:
    "" (nothing), "rectifying" (the department has not answered yet), "resolved" (answered, the
    rater confirmed) or "appealed" (the department appealed, a supervisor has to decide)."""

    applicant: str
    item_code: str
    form_data: dict[str, Any]
    decision: str  # "approve" | "reject"
    level: int
    comment: str
    follow_up: str = ""
    answer: str = ""
    appeal_reason: str = ""


NOODLE_SHOP = {
    "enterprise_name": "示范市滨江区李记面馆",
    "uscc": individual_business_uscc("MA3LJ5M28"),
    "contact_name": "李娜",
    "mobile": "13800990002",
    "business_address": "示范市滨江区望湖社区湖景路16号",
    "business_type": "catering",
    "business_items": "热食类食品制售",
    "floor_area": 45,
    "delivery": "post",
}
TEA_HOUSE = {
    **NOODLE_SHOP,
    "enterprise_name": "示范市高新区芳华茶社",
    "uscc": individual_business_uscc("MA4FH7C35"),
    "contact_name": "王芳",
    "mobile": "13800990003",
    "business_address": "示范市高新区云谷社区创业路9号",
    "business_items": "冷食类食品制售、自制饮品制售",
    "floor_area": 60,
}
NAIL_SALON = {
    "enterprise_name": "示范市高新区芳芳美甲店",
    "uscc": individual_business_uscc("MA5FM2N49"),
    "contact_name": "王芳",
    "mobile": "13800990003",
    "venue_address": "示范市高新区云谷社区创业路11号",
    "venue_type": "beauty",
    "floor_area": 30,
    "commitment": "no",
}

DEMO_RATINGS: list[DemoRating] = [
    DemoRating(
        "lina",
        "SCJ-XK-001",
        NOODLE_SHOP,
        "approve",
        5,
        "网上申请很方便，审批比承诺时间还快。",
    ),
    DemoRating(
        "lina",
        "SCJ-XK-001",
        {**NOODLE_SHOP, "enterprise_name": "示范市滨江区李记面馆（二店）", "floor_area": 52},
        "approve",
        2,
        "窗口排队时间太长，取号系统经常故障，来回跑了两次。",
        follow_up="rectifying",
    ),
    DemoRating(
        "wangfang",
        "SCJ-XK-001",
        TEA_HOUSE,
        "approve",
        2,
        "补正要求没有一次说清楚。",
        follow_up="resolved",
        answer="经核查，审查人员未一次性告知补正材料。已对相关人员进行批评教育，并在办事指南中补充了"
        "材料样例。感谢您的监督。",
    ),
    DemoRating(
        "wangfang",
        "WJW-XK-001",
        NAIL_SALON,
        "reject",
        1,
        "什么破部门！！！全是骗子！！！",
        follow_up="appealed",
        appeal_reason="申请人经营场所不符合卫生许可条件，依法不予许可。评价内容为辱骂，"
        "未指出任何服务问题，属于恶意差评。",
    ),
]
