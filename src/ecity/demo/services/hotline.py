"""The demo city's 12345 hotline: centre, staff, categories, limits, knowledge and tickets.

Built through the owning apps' services where they exist (org departments, identity accounts
and roles, hotline intake/dispatch/handling/callback, knowledge publishing); the category tree
and the time limits are data rows the hotline centre edits (no service writes them), so they
are created here when missing and never overwritten.

The ticket history (``tickets``, default ``DEMO_HOTLINE_TICKETS``) of the past year is
generated in bulk (``hotline_history``) so that the demo loads fast, but consistently: numbers
from each day's sequence, the full timeline of events, answers and callbacks. A few tickets in
every live state are then made through the real services for the journeys, and the dispatch
classifier is trained on the closed history. Tickets are generated only into a database that
has none.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from ecity.demo.data import hotline as data
from ecity.demo.services import hotline_history, people
from ecity.hotline.classifier import classifier_train
from ecity.hotline.models import Category, KnowledgeArticle, Ticket, TicketLimit
from ecity.hotline.services.callbacks import callback_record
from ecity.hotline.services.handling import answer_review, ticket_answer, ticket_sign
from ecity.hotline.services.intake import CallOutcome, TicketInput, ticket_take_call
from ecity.hotline.services.knowledge import (
    ArticleData,
    article_approve,
    article_create,
    article_submit,
)
from ecity.hotline.services.publication import ticket_publish
from ecity.identity.models import User
from ecity.org import services as org_services
from ecity.org.models import Department, Region, StaffRole

DEMO_HOTLINE_TICKETS = 3000
AUTHOR_ROLES = (StaffRole.Role.TICKET_HANDLER, StaffRole.Role.DEPARTMENT_ADMIN)


@dataclass
class DemoHotline:
    """What ``demo_hotline_ensure`` created (rows created now)."""

    departments: int = 0
    accounts: int = 0
    categories: int = 0
    limits: int = 0
    articles: int = 0
    history_tickets: int = 0
    live_tickets: int = 0
    published_tickets: int = 0
    classifier_trained_on: int = 0


def demo_hotline_ensure(
    *, actor: User, tickets: int = DEMO_HOTLINE_TICKETS, seed: int = 12345
) -> DemoHotline:
    """Make the demo hotline if missing: centre, offices, staff, categories, limits, articles,
    and (into a database without tickets) ``tickets`` history tickets plus live ones.

    Idempotent. ``actor`` is the platform administrator (departments, accounts, roles); the
    hotline acts are done by the demo hotline staff. Side effects: audit entries and
    notifications of the services; the trained classifier in the data dir.
    """
    result = DemoHotline()
    city = Region.objects.get(code=data.DEPARTMENTS[0].region)
    for dept in data.DEPARTMENTS:
        region = city if dept.region == city.code else Region.objects.get(code=dept.region)
        _, created = org_services.department_ensure(
            actor=actor,
            code=dept.code,
            name_zh=dept.name_zh,
            name_en=dept.name_en,
            short_name=dept.short_name,
            address=dept.address,
            phone=dept.phone,
            parent=None,
            region=region,
            sort_order=900 + len(dept.code),
        )
        result.departments += created
    for account in data.STAFF:
        _, created, _granted = people.staff_ensure(actor=actor, account=account)
        result.accounts += created
    result.categories = _categories_ensure()
    result.limits = _limits_ensure()
    staff = {u.username: u for u in User.objects.filter(username__in=_usernames())}
    result.articles = _articles_ensure(staff)
    if not Ticket.objects.exists():
        rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        result.history_tickets = hotline_history.history_generate(
            count=tickets, rng=rng, staff=staff
        )
        result.live_tickets = _live_tickets_create(staff)
        result.published_tickets = _tickets_publish(staff)
        model = classifier_train()
        result.classifier_trained_on = model.trained_on if model else 0
    return result


# Closed tickets whose callers agreed that the dispatcher publishes (the newest first).
PUBLISHED_TICKETS = 40


def _tickets_publish(staff: dict[str, User]) -> int:
    """The dispatcher publishes the newest closed tickets whose callers agreed (工单公开)."""
    dispatcher = staff["dispatcher_12345"]
    consenting = Ticket.objects.filter(
        status=Ticket.Status.CLOSED, public_consent=True, is_public=False
    ).order_by("-closed_at", "-pk")[:PUBLISHED_TICKETS]
    for ticket in consenting:
        ticket_publish(actor=dispatcher, ticket=ticket)
    return len(consenting)


def _usernames() -> list[str]:
    return [account.username for account in data.STAFF]


def _categories_ensure() -> int:
    departments = Department.objects.in_bulk(field_name="code")
    created_count = 0
    for index, top in enumerate(data.TOP):
        parent, created = Category.objects.get_or_create(
            code=top.code,
            defaults={
                "name_zh": top.name_zh,
                "name_en": top.name_en,
                "department": departments.get(top.department),
                "sort_order": index * 10,
            },
        )
        created_count += created
        for position, child in enumerate(data.CHILDREN[top.code]):
            _, created = Category.objects.get_or_create(
                code=child.code,
                defaults={
                    "name_zh": child.name_zh,
                    "name_en": child.name_en,
                    "parent": parent,
                    "department": departments.get(child.department),
                    "local": child.local,
                    "sort_order": position * 10,
                },
            )
            created_count += created
    return created_count


def _limits_ensure() -> int:
    created_count = 0
    for urgency, (sign, sign_unit, answer, answer_unit) in data.LIMITS.items():
        _, created = TicketLimit.objects.get_or_create(
            kind="",
            urgency=urgency,
            defaults={
                "sign_within": Decimal(sign),
                "sign_unit": sign_unit,
                "answer_within": Decimal(answer),
                "answer_unit": answer_unit,
            },
        )
        created_count += created
    return created_count


def _author(department: Department, staff: dict[str, User]) -> tuple[User, Department]:
    """A demo author of ``department``; the hotline centre's agent where it has none."""
    role = (
        StaffRole.objects.filter(department=department, role__in=AUTHOR_ROLES, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if role is not None:
        return role.user, department
    return staff["agent_12345"], Department.objects.get(code=data.CENTRE_CODE)


def _articles_ensure(staff: dict[str, User]) -> int:
    """Write, submit and publish (by the dispatcher: four eyes) the missing articles."""
    created_count = 0
    dispatcher = staff["dispatcher_12345"]
    for category_code, department_code, title, keywords, body, is_public in data.ARTICLES:
        if KnowledgeArticle.objects.filter(title=title).exists():
            continue
        author, department = _author(Department.objects.get(code=department_code), staff)
        article = article_create(
            actor=author,
            department=department,
            data=ArticleData(
                category=Category.objects.get(code=category_code),
                title=title,
                body=body,
                keywords=keywords,
                is_public=is_public,
            ),
        )
        article = article_submit(actor=author, article=article)
        article_approve(actor=dispatcher, article=article)
        created_count += 1
    return created_count


# (category, community, title, description, urgency, department or "", how far it gets)
_LIVE: list[tuple[str, str, str, str, str, str, str]] = [
    (
        "SRHJ-ZD",
        "990102001001",
        "人民路口夜市摊点占道",
        "人民路与东华路口每晚有烧烤摊占用人行道，行人只能走机动车道。",
        "ordinary",
        "",
        "received",
    ),
    (
        "JTCX-GJ",
        "990171001002",
        "建议云谷社区增开公交线路",
        "云谷社区新入住居民很多，最近的公交站要走二十分钟，建议增设线路。",
        "ordinary",
        "",
        "received",
    ),
    (
        "SRHJ-ZY",
        "990105002001",
        "望湖路工地夜间施工",
        "望湖路一处工地连续一周夜里十二点还在打桩，噪音很大。",
        "urgent",
        "STJ",
        "dispatched",
    ),
    (
        "LDBZ-QX",
        "990102002002",
        "解放路装修公司拖欠工资",
        "我在解放路一家装修公司做工，老板拖欠三个月工资共一万二千元。",
        "ordinary",
        "RSJ",
        "dispatched",
    ),
    (
        "SRHJ-LJ",
        "990102001002",
        "文庙社区垃圾三天未清运",
        "文庙社区3号楼旁垃圾桶已经满了三天，没有人清运，气味很大。",
        "ordinary",
        "JD-DH",
        "handling",
    ),
    (
        "CXJS-WY",
        "990105002002",
        "柳岸社区电梯长期停运",
        "柳岸社区5栋电梯坏了两周，物业说等维修资金，老人上下楼困难。",
        "urgent",
        "ZJW",
        "handling",
    ),
    (
        "SRHJ-ZD",
        "990105001002",
        "渔港路早市占道",
        "渔港路早市摊位摆到机动车道上，早高峰经常堵车。",
        "ordinary",
        "JD-JB",
        "answered",
    ),
    (
        "SCJG-XF",
        "990171001001",
        "科创大道健身房关门不退费",
        "科创大道一家健身房突然关门，年卡还剩七个月，老板联系不上。",
        "ordinary",
        "SCJ",
        "answered",
    ),
    (
        "SRHJ-YY",
        "990102002001",
        "和平里餐馆油烟直排",
        "和平里社区楼下新开的川菜馆油烟直排，楼上住户窗户都不敢开。",
        "ordinary",
        "STJ",
        "closed",
    ),
    (
        "JTCX-CZ",
        "990105001001",
        "江滨花园出租车拒载",
        "在江滨花园门口打车，两辆出租车都嫌距离近拒载。",
        "ordinary",
        "JTJ",
        "closed",
    ),
    (
        "SRHJ-GG",
        "990102001001",
        "东华路小广告",
        "东华路电线杆上贴满了办证小广告，影响市容。",
        "ordinary",
        "CGJ",
        "called_back",
    ),
]
_HANDLERS = {
    "STJ": "handler_stj",
    "RSJ": "handler_rsj",
    "JD-DH": "handler_donghua",
    "JD-JB": "handler_jiangbin",
    "ZJW": "handler_zjw",
    "SCJ": "handler_scj",
    "JTJ": "handler_jtj",
    "CGJ": "handler_cgj",
}
_STAGES = ("received", "dispatched", "handling", "answered", "closed", "called_back")


def _live_tickets_create(staff: dict[str, User]) -> int:
    """Today's tickets in every live state, each taken through the real services."""
    agent, dispatcher = staff["agent_12345"], staff["dispatcher_12345"]
    count = 0
    for index, (category, region, title, description, urgency, code, stage) in enumerate(_LIVE):
        ticket_input = TicketInput(
            kind="complaint" if not category.startswith("JTCX-GJ") else "suggestion",
            title=title,
            description=description,
            category_code=category,
            urgency=urgency,
            caller_name=f"{data.SURNAMES[index]}先生"
            if index % 2
            else f"{data.SURNAMES[index]}女士",
            caller_phone=f"1370099{index:04d}",
            region_code=region,
        )
        department = Department.objects.get(code=code) if code else None
        ticket = ticket_take_call(
            actor=agent,
            data=ticket_input,
            outcome=CallOutcome.DISPATCH if department else CallOutcome.SAVE,
            department=department,
        )
        reached = _STAGES.index(stage)
        if reached >= _STAGES.index("handling"):
            handler = staff[_HANDLERS[code]]
            ticket = ticket_sign(actor=handler, ticket=ticket)
        if reached >= _STAGES.index("answered"):
            ticket = ticket_answer(
                actor=handler,
                ticket=ticket,
                answer="已安排人员现场核查处理，问题已解决，感谢监督。",
            )
        if reached >= _STAGES.index("closed"):
            ticket = answer_review(actor=dispatcher, ticket=ticket, approve=True)
        if reached >= _STAGES.index("called_back"):
            callback_record(
                actor=agent,
                ticket=ticket,
                method="phone",
                is_solved=True,
                satisfaction="satisfied",
                comment="市民表示小广告已清理。",
            )
        count += 1
    # One call answered at once by the agent (直接办结).
    ticket_take_call(
        actor=agent,
        data=TicketInput(
            kind="enquiry",
            title="咨询灵活就业参保",
            description="我在滨江区开网店，想咨询灵活就业人员怎么缴纳养老保险。",
            category_code="LDBZ-SB",
            caller_name="周女士",
            caller_phone="13700990099",
            region_code="990105002001",
        ),
        outcome=CallOutcome.RESOLVE,
        answer="已告知可在社保中心窗口或示范市政务服务网办理灵活就业参保登记，缴费基数可自选。",
    )
    return count + 1
