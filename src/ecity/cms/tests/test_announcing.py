"""A publication enters the department's disclosure catalogue and reaches the list's followers."""

from __future__ import annotations

import pytest
from django.db import transaction

from ecity.cms.models import PolicyPage
from ecity.cms.services.publishing import page_review_decide, page_submit_for_review
from ecity.cms.services.sites import column_add, page_add
from ecity.disclosure.models import CatalogueEntry, Category
from ecity.identity.tests.factories import UserFactory
from ecity.notify.models import Notification
from ecity.notify.subscriptions import subscription_create_for, topic_items_fan_out

pytestmark = pytest.mark.django_db


def test_a_reviewed_policy_enters_the_catalogue_and_reaches_followers_once(client, dept_a):
    policies = column_add(parent=dept_a.site, title="政策文件", slug="policies")
    follower = UserFactory(username="reader")
    with transaction.atomic():
        subscription_create_for(
            user=follower,
            topic=f"cms.column:{policies.pk}",
            channel="in_app",
            frequency="immediate",
        )
    listing = client.get(policies.url).content.decode()
    assert f"topic=cms.column%3A{policies.pk}" in listing  # the column offers "Follow"

    draft = PolicyPage(
        title="武汉市节能降碳专项资金管理办法",
        slug="jieneng-zijin",
        issuing_body="市发展和改革委员会",
        document_number="武发改规〔2026〕5号",
        body="<p>第一条 为规范专项资金管理，制定本办法。</p>",
    )
    page = page_add(parent=policies, page=draft, publish=False)
    page_submit_for_review(actor=dept_a.editor, page=page)
    assert not CatalogueEntry.objects.exists()  # a draft is not disclosed

    page_review_decide(actor=dept_a.reviewer, page=page, approve=True)

    entry = CatalogueEntry.objects.get(source="cms", key=str(page.pk))
    assert (entry.department, entry.category) == (dept_a.department, Category.REGULATIONS)
    assert entry.document_number == "武发改规〔2026〕5号"
    topic_items_fan_out()
    (message,) = Notification.objects.filter(recipient=follower, event="subscription_update")
    assert "武汉市节能降碳专项资金管理办法" in message.subject

    # republishing an edit tells nobody again; unpublishing takes it out of the catalogue
    page.refresh_from_db()
    page.save_revision(user=dept_a.reviewer).publish(user=dept_a.reviewer)
    topic_items_fan_out()
    assert Notification.objects.filter(recipient=follower).count() == 1
    page.refresh_from_db()
    page.unpublish(user=dept_a.reviewer)
    assert not CatalogueEntry.objects.filter(source="cms", key=str(page.pk)).exists()


def test_a_column_chooses_the_disclosure_category_of_its_pages(dept_a):
    budgets = column_add(parent=dept_a.site, title="财政预决算", slug="budgets")
    budgets.disclosure_category = Category.BUDGETS
    budgets.save_revision().publish()
    policy = PolicyPage(
        title="2026年部门预算公开说明",
        slug="yusuan",
        issuing_body="市发展和改革委员会",
        body="<p>…</p>",
    )
    page_add(parent=budgets, page=policy, publish=True)
    news = dept_a.news
    from ecity.cms.models import NewsPage

    page_add(
        parent=news, page=NewsPage(title="一条新闻", slug="xinwen", body="<p>…</p>"), publish=True
    )

    categories = dict(CatalogueEntry.objects.values_list("title", "category"))
    assert categories == {"2026年部门预算公开说明": Category.BUDGETS}  # news has no category
