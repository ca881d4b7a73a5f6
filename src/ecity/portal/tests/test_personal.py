"""我的: a signed-in person's cases, recently used services, hotline requests and follows."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ecity.cases.tests.factories import CaseFactory
from ecity.hotline.tests.factories import TicketFactory
from ecity.identity.tests.factories import UserFactory
from ecity.notify.subscriptions import subscription_create_for
from ecity.notify.topics import TopicKind, register_topic_kind, unregister_topic_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def followable():
    register_topic_kind(
        TopicKind(
            name="tests.site", label=_("Site"), resolve=lambda key: ("税务局子站", "/site/sw/")
        )
    )
    yield "tests.site:sw"
    unregister_topic_kind("tests.site")


def test_my_page_gathers_my_things_and_nobody_elses(client, followable):
    me = UserFactory(username="me", is_real_name_verified=True)
    mine = CaseFactory(applicant=me, service_version__name_zh="食品经营许可（新办）")
    theirs = CaseFactory(service_version__name_zh="别人的服务")
    TicketFactory(citizen=me, title="小区路灯不亮")
    TicketFactory(citizen=theirs.applicant, title="别人的诉求")
    with transaction.atomic():
        subscription_create_for(user=me, topic=followable, channel="in_app", frequency="daily")
    client.force_login(me)

    response = client.get(reverse("portal:me"))

    html = response.content.decode()
    assert response.status_code == 200
    assert mine.number in html and "食品经营许可（新办）" in html  # case and recently used service
    assert "小区路灯不亮" in html
    assert "税务局子站" in html
    assert theirs.number not in html and "别人的服务" not in html and "别人的诉求" not in html
    assert response["Cache-Control"] == "private, no-store"


def test_my_page_asks_an_unverified_person_to_verify_instead_of_showing_cases(client):
    client.force_login(UserFactory(username="newcomer"))
    html = client.get(reverse("portal:me")).content.decode()
    assert "实名认证" in html


def test_my_page_needs_login(client):
    response = client.get(reverse("portal:me"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
