"""Expiry of knowledge articles: the owning department is told in time, once per end date, and
expired articles drop out of search."""

from __future__ import annotations

import pytest

from ecity.core.jobs import run_job
from ecity.hotline.selectors.knowledge import article_search
from ecity.hotline.services.knowledge import articles_expiring_notify
from ecity.hotline.tests import knowledge_support
from ecity.hotline.tests.knowledge_support import days, published
from ecity.notify.models import Notification

pytestmark = pytest.mark.django_db
kb = knowledge_support.kb


def notices():
    return Notification.objects.filter(event="knowledge_expiring", channel="in_app")


def test_the_owning_departments_administrator_hears_of_an_article_expiring_soon(kb, settings):
    # given a notice period of 14 days, an article ending in 10 days and one in 30 days
    settings.ECITY_HOTLINE_KNOWLEDGE_EXPIRY_NOTICE_DAYS = 14
    soon = published(kb, title="噪音临时规定", valid_until=days(10))
    published(kb, title="噪音长期规定", valid_until=days(30))
    # when the job runs
    assert run_job("hotline.knowledge_expiring") == "1 expiring articles flagged"
    # then the bureau administrator got one message about the article ending soon
    [notice] = notices()
    assert notice.recipient == kb.bureau_admin
    assert "噪音临时规定" in notice.subject
    assert days(10).isoformat() in notice.subject
    assert notice.link_path.endswith(f"/hotline/knowledge/staff/{soon.public_id}/")


def test_the_job_does_not_repeat_its_message(kb):
    published(kb, valid_until=days(3))
    articles_expiring_notify()
    assert articles_expiring_notify() == 0
    assert notices().count() == 1


def test_without_an_administrator_the_author_is_told(kb):
    # given an article of a department that has no administrator
    article = published(kb, department=kb.other, author=kb.outsider, valid_until=days(1))
    articles_expiring_notify()
    assert [n.recipient for n in notices()] == [kb.outsider]
    assert article.department == kb.other


def test_an_expired_article_drops_out_of_search(kb):
    # given an article valid until today: found today
    published(kb, title="噪音规定", valid_until=days(0))
    assert article_search(query="噪音", public_only=True)
    # when tomorrow comes (its end date is yesterday for a copy ending yesterday)
    published(kb, title="噪音过期规定", valid_until=days(-1))
    # then the expired one is not found
    assert [h.article.title for h in article_search(query="噪音", public_only=True)] == ["噪音规定"]
