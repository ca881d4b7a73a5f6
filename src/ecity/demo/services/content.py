"""The demo city's department sub-sites: a site per top-level department, columns and content.

Deterministic (same database, same pages) and idempotent: a department whose sub-site exists is
left alone. The sub-sites and columns are published through Wagtail like an editor's; the few
hundred content pages are seeded live directly (no revision history or audit entry: they are
the demo's starting point, not acts), each with its signed anti-tampering record, and indexed
for search in one request per department. That keeps ``load_demo`` fast.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from ecity.cms.models import (
    DepartmentSitePage,
    InterpretationPage,
    NewsPage,
    NoticePage,
    PolicyPage,
)
from ecity.cms.search_documents import SOURCE
from ecity.cms.services.announcing import DEFAULT_CATEGORY, page_announce
from ecity.cms.services.integrity import integrity_record_sign
from ecity.cms.services.permissions import department_permissions_sync
from ecity.cms.services.sites import column_add, department_site_create, home_ensure
from ecity.demo.data.content import (
    INTERPRETATION_BODY,
    NEWS_BODY,
    NEWS_TITLES,
    NOTICE_BODY,
    NOTICE_TITLES,
    POLICY_BODY,
    POLICY_TITLES,
    SUBJECTS,
)
from ecity.org.models import Department
from ecity.search.services import index_schedule

NEWS_PER_DEPARTMENT = 10
NOTICES_PER_DEPARTMENT = 6
POLICIES_PER_DEPARTMENT = 4


@dataclass
class DemoContent:
    sites: int = 0
    pages: int = 0
    seeded: list[str] = field(default_factory=list)


def _date(n: int) -> dt.date:
    # Spread over the last year, newest first, without the clock deciding the content.
    return dt.date(2026, 11, 30) - dt.timedelta(days=(n * 7) % 360)


def _zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def demo_content_ensure(*, limit_departments: int | None = None) -> DemoContent:
    """Create the city home and, for each top-level demo department, its sub-site and pages."""
    result = DemoContent()
    home_ensure(title=f"{settings.ECITY_CITY_NAME}人民政府门户网站")
    departments = Department.objects.filter(code__in=list(SUBJECTS), parent__isnull=True)
    for department in departments.order_by("sort_order", "code")[:limit_departments]:
        if DepartmentSitePage.objects.filter(department=department).exists():
            continue
        _department_content(department, result)
    return result


@transaction.atomic  # one department's sub-site, pages and index requests together
def _department_content(department: Department, result: DemoContent) -> None:
    code = department.code
    name = department.name_zh
    site = department_site_create(
        actor=None,
        department=department,
        title=name,
        slug=code.lower(),
        contact_address=getattr(department, "address", "") or "",
        contact_phone=getattr(department, "phone", "") or "",
        office_hours="工作日 9:00-12:00，13:30-17:30",
    )
    result.sites += 1
    news = column_add(parent=site, title="新闻动态", slug="news")
    notices = column_add(parent=site, title="通知公告", slug="notices")
    policies = column_add(parent=site, title="政策文件", slug="policies")
    readings = column_add(parent=site, title="政策解读", slug="interpretations")
    subjects = SUBJECTS[code]
    seed = sum(map(ord, code))
    for n in range(NEWS_PER_DEPARTMENT):
        subject = subjects[(seed + n) % len(subjects)]
        day = _date(seed + n)
        title = NEWS_TITLES[n % len(NEWS_TITLES)].format(dept=name, subject=subject, n=n % 3 + 1)
        body = NEWS_BODY.format(
            date=_zh(day), dept=name, subject=subject, count=1000 + (seed * (n + 3)) % 90000
        )
        _publish(news, NewsPage(title=title, slug=f"news-{n + 1}", body=body), day, result)
    for n in range(NOTICES_PER_DEPARTMENT):
        subject = subjects[(seed + 2 * n) % len(subjects)]
        day = _date(seed + 3 * n)
        title = NOTICE_TITLES[n % len(NOTICE_TITLES)].format(year=day.year, subject=subject)
        body = NOTICE_BODY.format(subject=subject, window=n + 1, dept=name, date=_zh(day))
        _publish(notices, NoticePage(title=title, slug=f"notice-{n + 1}", body=body), day, result)
    previous: PolicyPage | None = None
    for n in range(POLICIES_PER_DEPARTMENT):
        subject = subjects[n % len(subjects)]
        day = _date(seed + 5 * n)
        title = POLICY_TITLES[n % len(POLICY_TITLES)].format(subject=subject)
        policy = PolicyPage(
            title=title,
            slug=f"policy-{n + 1}",
            document_number=f"示{code.lower()}规〔{day.year}〕{n + 1}号",
            issuing_body=name,
            written_on=day - dt.timedelta(days=5),
            issued_on=day,
            body=POLICY_BODY.format(subject=subject, dept=name, date=_zh(day)),
            summary=f"规范{subject}工作，明确职责分工。",
        )
        _publish(policies, policy, day, result)
        reading = InterpretationPage(
            title=f"《{title}》政策解读",
            slug=f"interpretation-{n + 1}",
            policy=policy,
            body=INTERPRETATION_BODY.format(subject=subject, dept=name, policy=title),
        )
        _publish(readings, reading, day, result)
        if n == 1 and previous is not None:
            # The second policy replaces the first (有效性: 已废止, linked both ways).
            previous.validity = PolicyPage.Validity.REPEALED
            previous.replaced_by = policy
            previous.save(update_fields=["validity", "replaced_by"])
            integrity_record_sign(page=previous)
        previous = policy
    index_schedule(source=SOURCE, keys=result.seeded)
    result.seeded.clear()
    department_permissions_sync(actor=None, department=department)


def _publish(parent: Page, page: Page, day: dt.date, result: DemoContent) -> None:
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
    page.live = True
    page.has_unpublished_changes = False
    page.first_published_at = page.last_published_at = when
    parent.add_child(instance=page)
    integrity_record_sign(page=page)
    if page.kind in DEFAULT_CATEGORY:  # policies and interpretations: the disclosure catalogue
        page_announce(page=page)
    result.seeded.append(str(page.pk))
    result.pages += 1
