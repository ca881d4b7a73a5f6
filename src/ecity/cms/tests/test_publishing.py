"""Permissions per department, the review workflow, scheduled publishing, audit."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from ecity.audit.models import AuditEntry
from ecity.cms.models import NewsPage
from ecity.cms.services.publishing import (
    page_review_decide,
    page_submit_for_review,
    scheduled_pages_run,
)
from ecity.cms.services.sites import page_add
from ecity.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db


def _draft(column, title="关于开展2026年度节能宣传周活动的通知", **fields):
    page = NewsPage(title=title, slug=fields.pop("slug", "jieneng"), body="<p>正文</p>", **fields)
    return page_add(parent=column, page=page, publish=False)


def test_editor_of_one_department_cannot_edit_or_publish_another_departments_pages(dept_a, dept_b):
    page_b = _draft(dept_b.news)

    perms_a_on_b = page_b.permissions_for_user(dept_a.editor)
    perms_b_on_b = page_b.permissions_for_user(dept_b.editor)
    reviewer_a_on_b = page_b.permissions_for_user(dept_a.reviewer)

    assert not perms_a_on_b.can_edit()
    assert not reviewer_a_on_b.can_publish()
    assert perms_b_on_b.can_edit()
    assert not perms_b_on_b.can_publish()  # an editor drafts; the reviewer publishes
    assert page_b.permissions_for_user(dept_b.reviewer).can_publish()
    with pytest.raises(PermissionDenied):
        page_submit_for_review(actor=dept_a.editor, page=page_b)


def test_editor_of_one_department_is_refused_by_the_admin_edit_page_of_another(
    client, dept_a, dept_b
):
    page_b = _draft(dept_b.news)
    page_a = _draft(dept_a.news, slug="a")
    client.force_login(dept_a.editor)

    own = client.get(f"/cms/admin/pages/{page_a.pk}/edit/")
    other = client.get(f"/cms/admin/pages/{page_b.pk}/edit/")

    assert own.status_code == 200
    assert other.status_code in (302, 403)
    assert "jieneng" not in other.content.decode()


def test_draft_is_not_public_until_the_departments_reviewer_approves(client, dept_a, dept_b):
    page = _draft(dept_a.news)
    url = page.url or f"/site/fgw/news/{page.slug}/"

    assert client.get("/site/fgw/news/jieneng/").status_code == 404
    page_submit_for_review(actor=dept_a.editor, page=page)
    with pytest.raises(PermissionDenied):
        page_review_decide(actor=dept_a.editor, page=page, approve=True)
    with pytest.raises(PermissionDenied):
        page_review_decide(actor=dept_b.reviewer, page=page, approve=True)
    assert client.get("/site/fgw/news/jieneng/").status_code == 404

    page_review_decide(actor=dept_a.reviewer, page=page, approve=True)

    response = client.get("/site/fgw/news/jieneng/")
    assert response.status_code == 200, url
    assert "关于开展2026年度节能宣传周活动的通知" in response.content.decode()
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert "cms.review_submitted" in actions
    assert "cms.review_approved" in actions
    assert "cms.page_published" in actions


def test_rejected_page_stays_unpublished_and_the_rejection_is_audited(client, dept_a):
    page = _draft(dept_a.news)
    page_submit_for_review(actor=dept_a.editor, page=page)

    page_review_decide(actor=dept_a.reviewer, page=page, approve=False, comment="请补充数据")

    assert client.get("/site/fgw/news/jieneng/").status_code == 404
    assert AuditEntry.objects.filter(action="cms.review_rejected").count() == 1


def test_scheduled_page_goes_live_when_the_job_runs_at_or_after_go_live_at(client, dept_a):
    go_live = timezone.now() + dt.timedelta(hours=2)
    page = _draft(dept_a.news, go_live_at=go_live)
    page.get_latest_revision().publish(user=dept_a.reviewer)  # scheduled, not yet live
    page.refresh_from_db()
    assert not page.live

    assert scheduled_pages_run(now=go_live - dt.timedelta(minutes=1)) == (0, 0)
    assert client.get("/site/fgw/news/jieneng/").status_code == 404

    # The job runs when the clock reaches go_live_at (Wagtail itself reads the clock too).
    with mock.patch("django.utils.timezone.now", return_value=go_live):
        assert scheduled_pages_run() == (1, 0)
    assert client.get("/site/fgw/news/jieneng/").status_code == 200


def test_expired_page_is_unpublished_by_the_job(client, dept_a):
    page = _draft(dept_a.news)
    page.get_latest_revision().publish()
    expire = timezone.now() + dt.timedelta(days=1)
    NewsPage.objects.filter(pk=page.pk).update(expire_at=expire)
    assert client.get("/site/fgw/news/jieneng/").status_code == 200

    assert scheduled_pages_run(now=expire + dt.timedelta(seconds=1)) == (0, 1)

    assert client.get("/site/fgw/news/jieneng/").status_code == 404
    assert AuditEntry.objects.filter(action="cms.page_unpublished").exists()


def test_permission_sync_follows_org_roles_and_is_audited(dept_a):
    from ecity.cms.services.permissions import department_permissions_sync
    from ecity.org.models import StaffRole

    StaffRole.objects.filter(user=dept_a.editor).update(is_active=False)
    members = department_permissions_sync(actor=None, department=dept_a.department)

    assert str(dept_a.editor.public_id) not in members["content_editor"]
    page = _draft(dept_a.news)
    assert not page.permissions_for_user(dept_a.editor).can_edit()
    assert AuditEntry.objects.filter(action="cms.permissions_synced").exists()


def test_reverting_to_an_earlier_revision_restores_its_text_and_is_audited(client, dept_a):
    page = _draft(dept_a.news)
    first = page.get_latest_revision()
    first.publish(user=dept_a.reviewer)
    page.refresh_from_db()
    page.body = "<p>错误的第二版</p>"
    page.save_revision(user=dept_a.editor).publish(user=dept_a.reviewer)
    assert "错误的第二版" in client.get("/site/fgw/news/jieneng/").content.decode()

    # As Wagtail's "Revert" in the page history does: the old revision saved anew, then published.
    reverted = first.as_object().save_revision(
        user=dept_a.reviewer, log_action="wagtail.revert", previous_revision=first
    )
    reverted.publish(user=dept_a.reviewer)

    html = client.get("/site/fgw/news/jieneng/").content.decode()
    assert "错误的第二版" not in html
    assert "正文" in html
    entry = AuditEntry.objects.get(action="cms.page_reverted")
    assert entry.data["page"] == page.pk
    assert entry.data["department"] == "fgw"
