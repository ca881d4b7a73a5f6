"""Anti-tampering: a page altered behind the application's back is detected and restored."""

from __future__ import annotations

import pytest
from django.db import connection

from ecity.audit.models import AuditEntry
from ecity.cms.integrity import content_hash, rendered_content
from ecity.cms.models import IntegrityRecord, NewsPage
from ecity.cms.services.integrity import integrity_check_all
from ecity.cms.services.sites import page_add
from ecity.identity.tests.factories import StaffRoleFactory, StaffUserFactory
from ecity.notify.models import Notification
from ecity.org.models import StaffRole

pytestmark = pytest.mark.django_db

GENUINE = "<p>本市将于7月1日起实施新的垃圾分类管理规定。</p>"
DEFACED = "<p>本网站已被黑客攻破</p>"


def _published(dept):
    page = NewsPage(title="垃圾分类新规7月1日起实施", slug="lajifenlei", body=GENUINE)
    return page_add(parent=dept.news, page=page, publish=True)


def test_publication_signs_the_rendered_content(dept_a):
    page = _published(dept_a)

    record = IntegrityRecord.objects.get(page_id=page.pk)

    assert record.content_sha256 == content_hash(rendered_content(page))
    assert record.revision_id == page.live_revision_id
    assert record.signature and record.kid


def test_page_altered_in_the_database_is_restored_alerted_and_audited(client, dept_a):
    page = _published(dept_a)
    platform_admin = StaffUserFactory()
    StaffRoleFactory(user=platform_admin, department=None, role=StaffRole.Role.PLATFORM_ADMIN)
    assert integrity_check_all() == (4, 0)  # home, sub-site, column, news: all intact

    # Behind the application's back: the page row and its live revision are both rewritten.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cms_newspage SET body = %s WHERE page_ptr_id = %s", [DEFACED, page.pk]
        )
        replaced = (
            "REPLACE(content::text, %s, %s)::jsonb"
            if connection.vendor == "postgresql"
            else "REPLACE(content, %s, %s)"
        )
        cursor.execute(
            f"UPDATE wagtailcore_revision SET content = {replaced} WHERE id = %s",  # noqa: S608
            ["垃圾分类管理规定", "黑客攻破", page.live_revision_id],
        )
    assert "本网站已被黑客攻破" in client.get(page.url).content.decode()

    assert integrity_check_all() == (4, 1)

    served = client.get(page.url).content.decode()
    assert "本市将于7月1日起实施新的垃圾分类管理规定。" in served
    assert "黑客" not in served
    entry = AuditEntry.objects.get(action="cms.tampering_restored")
    assert entry.data["page"] == page.pk
    assert entry.data["department"] == "fgw"
    alerted = set(
        Notification.objects.filter(event="cms_tampering_detected").values_list(
            "recipient_id", flat=True
        )
    )
    assert {dept_a.reviewer.pk, platform_admin.pk} <= alerted
    assert dept_a.editor.pk not in alerted
    assert IntegrityRecord.objects.get(page_id=page.pk).restored_count == 1
    assert integrity_check_all() == (4, 0)  # the restored page matches its record again


def test_publishing_a_related_page_does_not_make_the_policy_look_tampered(dept_a):
    from ecity.cms.models import InterpretationPage, PolicyPage

    policy = page_add(
        parent=dept_a.news,
        page=PolicyPage(
            title="示范市节能办法", slug="p", issuing_body="市发改委", body="<p>条文</p>"
        ),
        publish=True,
    )
    page_add(
        parent=dept_a.news,
        page=InterpretationPage(title="《示范市节能办法》解读", slug="r", policy=policy),
        publish=True,
    )

    assert integrity_check_all()[1] == 0
    assert not AuditEntry.objects.filter(action="cms.tampering_restored").exists()
