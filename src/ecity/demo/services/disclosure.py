"""The demo city's information disclosure, built through the disclosure services.

Guides (``guide_update``), catalogue items (``catalogue_entry_publish``, as the cms will for its
pages, and ``catalogue_services_sync`` for the service catalogue), eight requests in every state
(filed, corrected, extended and replied through the services), and last year's annual report of
市市场监督管理局, generated and published. No service moves time, so the demo moves the dates of
the past (arrival days, so that one request is due soon, one overdue, and a few fall into last
year's report). Idempotent: guides, items and the report only when missing; requests only when
there are none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from ecity.core.calendar import add_working_days
from ecity.demo.data import disclosure as data
from ecity.demo.data.accounts import ENTERPRISES
from ecity.disclosure.models import AnnualReport, CatalogueEntry, DisclosureRequest, ReplyType
from ecity.disclosure.services import catalogue as catalogue_services
from ecity.disclosure.services import reports as report_services
from ecity.disclosure.services import requests as request_services
from ecity.disclosure.services.replies import ReplyInput, request_reply
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.workflow.clocks import deadline_state


@dataclass
class DemoDisclosure:
    guides: int = 0
    entries: int = 0
    requests: int = 0
    reports: int = 0


def _input(user: User, description: str) -> request_services.RequestInput:
    if user.username == "lina":
        enterprise = ENTERPRISES[0]
        return request_services.RequestInput(
            applicant_type="enterprise",
            name=enterprise.name,
            uscc=enterprise.uscc,
            legal_representative=user.real_name,
            contact_name=user.real_name,
            phone=user.phone,
            email=user.email,
            description=description,
            medium="electronic",
            delivery="email",
        )
    return request_services.RequestInput(
        applicant_type="person",
        name=user.real_name,
        id_number=user.id_number,
        phone=user.phone,
        description=description,
        purpose="了解相关情况",
        medium="electronic",
        delivery="online",
    )


def _move_back(request: DisclosureRequest, received_on: dt.date) -> DisclosureRequest:
    """Pretend ``request`` arrived on ``received_on`` (the services always use today)."""
    request.received_on = request.clock_started_on = received_on
    request.due_on = request_services.request_due_on(request)
    request.deadline_state = deadline_state(due=request.due_on, today=timezone.localdate())
    request.save()
    return request


def _requests(*, handler: dict[str, User], head: dict[str, User]) -> int:
    today = timezone.localdate()
    last_year = today.year - 1
    made = 0
    for _key, username, code, state, description in data.REQUESTS:
        applicant = User.objects.get(username=username)
        department = Department.objects.get(code=code)
        request = request_services.request_submit(
            applicant=applicant, department=department, data=_input(applicant, description)
        )
        made += 1
        staff = handler[code]
        if state == "received":
            continue
        if state == "due_soon":
            _move_back(request, add_working_days(today, -19))
        elif state == "overdue":
            _move_back(request, add_working_days(today, -23))
        elif state == "correction":
            request_services.correction_ask(
                actor=staff, request=request, what="请写明所需文件的名称、文号或者发布时间。"
            )
        elif state == "extended":
            _move_back(request, add_working_days(today, -15))
            request_services.request_extend(
                actor=head[code], request=request, reason="需要征求第三方意见。"
            )
        else:
            # replied: in last year's report
            _move_back(request, dt.date(last_year, 11, 3))
            reply = {
                "disclosed": ReplyInput(
                    reply_type=ReplyType.DISCLOSED,
                    content="您申请的信息已随本答复书通过网上获取方式提供。",
                ),
                "partial": ReplyInput(
                    reply_type=ReplyType.PARTIALLY_DISCLOSED,
                    content="现将核查处置情况提供给您，其中涉及生产企业商业秘密的部分不予公开。",
                    withheld="生产企业的配方和工艺数据",
                    reason="涉及商业秘密，第三方不同意公开",
                    legal_ground="《中华人民共和国政府信息公开条例》第十五条",
                ),
                "other_body": ReplyInput(
                    reply_type=ReplyType.OTHER_BODY,
                    content="您申请的信息不属于本机关负责公开的范围。",
                    right_body="示范市统计局",
                    right_body_contact="0571-12345600",
                ),
            }[state]
            answered = request_reply(actor=staff, request=request, data=reply)
            answered.replied_on = dt.date(last_year, 11, 20)
            answered.is_late = answered.replied_on > request.due_on
            answered.save(update_fields=["replied_on", "is_late"])
    return made


def demo_disclosure_ensure(*, actor: User) -> DemoDisclosure:
    """Make the demo disclosure if missing (module docstring); ``actor`` the platform admin."""
    result = DemoDisclosure()
    handler = {
        code: User.objects.get(username=f"reviewer_{code.lower()}") for code in ("SCJ", "WJW")
    }
    head = {code: User.objects.get(username=f"approver_{code.lower()}") for code in ("SCJ", "WJW")}
    for department in Department.objects.filter(code__in=["SCJ", "WJW", "ZJW"]):
        if not hasattr(department, "disclosure_guide"):
            catalogue_services.guide_update(actor=actor, department=department, text=data.GUIDE)
            result.guides += 1
    now = timezone.now()
    for code, category, title, number, days in data.ENTRIES:
        owner = Department.objects.filter(code=code).first()
        key = f"{code}-{category}-{days}"
        if owner is None or CatalogueEntry.objects.filter(source="demo", key=key).exists():
            continue
        catalogue_services.catalogue_entry_publish(
            source="demo",
            key=key,
            department=owner,
            category=category,
            title=title,
            url=f"/disclosure/departments/{code}/?category={category}",
            published_at=now - dt.timedelta(days=days),
            document_number=number,
        )
        result.entries += 1
    result.entries += catalogue_services.catalogue_services_sync()
    if not DisclosureRequest.objects.exists():
        result.requests = _requests(handler=handler, head=head)
    year = timezone.localdate().year - 1
    scj = Department.objects.get(code="SCJ")
    if not AnnualReport.objects.filter(department=scj, year=year).exists():
        report = report_services.report_generate(actor=handler["SCJ"], department=scj, year=year)
        report_services.report_update(
            actor=handler["SCJ"],
            report=report,
            summary=f"{year}年，市市场监督管理局认真贯彻《中华人民共和国政府信息公开条例》，"
            "主动公开食品安全抽检、行政许可和处罚结果等信息，依法办理政府信息公开申请。",
            problems="依申请公开答复文书的规范性有待提高；部分主动公开信息更新不够及时。"
            "下一步将加强业务培训，建立信息发布提醒机制。",
            reviews={"review_maintained": 1, "review_pending": 0},
        )
        report_services.report_publish(actor=head["SCJ"], report=report)
        result.reports += 1
    return result
