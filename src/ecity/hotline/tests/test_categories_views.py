"""The hotline centre's pages for the category tree and the time limits: who may open them,
field-level errors, and what intake offers after a category is deactivated."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ecity.hotline.models import Category, TicketLimit
from ecity.hotline.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_dispatcher_sees_the_tree_with_open_tickets_and_the_links_from_supervision(hotline):
    # given an open ticket of 噪音扰民
    TicketFactory(category=hotline["noise"])
    client = _signed_in(hotline["dispatcher"])
    # when the dispatcher opens the supervision page, it links to both pages
    supervision = client.get(reverse("hotline:supervision"))
    assert supervision.status_code == 200
    assert reverse("hotline:categories") in supervision.content.decode()
    assert reverse("hotline:limits") in supervision.content.decode()
    # and the tree lists the categories with their department and open tickets, in Chinese
    page = client.get(reverse("hotline:categories"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "噪音扰民" in html and "城管局" in html and "未办结工单" in html


def test_a_ticket_handler_is_refused_and_not_linked(hotline):
    client = _signed_in(hotline["handler"])
    assert client.get(reverse("hotline:categories")).status_code == 403
    assert client.get(reverse("hotline:limits")).status_code == 403
    assert client.get(reverse("hotline:category_create")).status_code == 403
    response = client.post(
        reverse("hotline:category_action", args=[hotline["noise"].public_id, "deactivate"])
    )
    assert response.status_code == 403
    hotline["noise"].refresh_from_db()
    assert hotline["noise"].is_active


def test_an_agent_does_not_see_the_links_on_the_supervision_page(hotline):
    page = _signed_in(hotline["agent"]).get(reverse("hotline:supervision"))
    assert page.status_code == 200
    assert reverse("hotline:categories") not in page.content.decode()


def test_dispatcher_adds_a_sub_category_from_the_tree(hotline):
    client = _signed_in(hotline["dispatcher"])
    url = reverse("hotline:category_create") + f"?parent={hotline['noise'].public_id}"
    form = client.get(url)
    assert form.status_code == 200
    response = client.post(
        url,
        {
            "code": "NOISE-NIGHT",
            "name_zh": "夜间施工噪音",
            "parent": str(hotline["noise"].public_id),
            "department": hotline["urban"].pk,
            "local": "on",
            "sort_order": "1",
        },
    )
    assert response.status_code == 302
    category = Category.objects.get(code="NOISE-NIGHT")
    assert category.parent == hotline["noise"] and category.local


def test_form_errors_are_shown_beside_the_fields(hotline):
    client = _signed_in(hotline["dispatcher"])
    response = client.post(
        reverse("hotline:category_create"),
        {"code": "NOISE", "name_zh": "重复", "department": hotline["urban"].pk},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "另一个分类已使用此代码。" in html
    assert Category.objects.count() == 2


def test_moving_a_category_under_its_own_child_shows_the_error(hotline):
    child = Category.objects.create(
        code="N1", name_zh="商铺噪音", parent=hotline["noise"], department=hotline["urban"]
    )
    response = _signed_in(hotline["dispatcher"]).post(
        "/en" + reverse("hotline:category_edit", args=[hotline["noise"].public_id]),
        {"name_zh": "噪音扰民", "parent": str(child.public_id), "department": hotline["urban"].pk},
    )
    assert response.status_code == 200
    assert "A category cannot be placed under itself or one of its sub-categories." in (
        response.content.decode()
    )


def test_intake_no_longer_offers_a_deactivated_category_and_its_ticket_keeps_it(hotline):
    # given an open ticket of 道路维修
    ticket = TicketFactory(category=hotline["roads"])
    citizen = _signed_in(hotline["citizen"])
    assert "道路维修" in citizen.get(reverse("hotline:new")).content.decode()
    # when the dispatcher deactivates it on its page
    dispatcher = _signed_in(hotline["dispatcher"])
    response = dispatcher.post(
        reverse("hotline:category_action", args=[hotline["roads"].public_id, "deactivate"])
    )
    assert response.status_code == 302
    # then the citizen's form and the agent's console no longer offer it
    page = citizen.get(reverse("hotline:new"))
    assert page.status_code == 200
    assert "道路维修" not in page.content.decode()
    console = _signed_in(hotline["agent"]).get(reverse("hotline:console"))
    assert console.status_code == 200
    assert "道路维修" not in console.content.decode()
    # and the ticket keeps its category, and deleting it is refused with the reason
    ticket.refresh_from_db()
    assert ticket.category == hotline["roads"]
    refused = dispatcher.post(
        reverse("hotline:category_action", args=[hotline["roads"].public_id, "delete"]),
        follow=True,
    )
    assert "该分类不能删除" in refused.content.decode()
    assert Category.objects.filter(pk=hotline["roads"].pk).exists()


def test_dispatcher_edits_a_limit_and_sees_the_note(hotline):
    client = _signed_in(hotline["dispatcher"])
    table = client.get(reverse("hotline:limits"))
    assert table.status_code == 200
    assert "修改只适用于此后派出的工单" in table.content.decode()
    url = reverse("hotline:limit_edit", args=["urgent", "complaint"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "sign_within": "1",
            "sign_unit": "working_hours",
            "answer_within": "1",
            "answer_unit": "working_days",
        },
    )
    assert response.status_code == 302
    row = TicketLimit.objects.get(kind="complaint", urgency="urgent")
    assert (row.sign_within, row.answer_unit) == (1, "working_days")


def test_a_limit_of_zero_shows_the_error_beside_the_field(hotline):
    response = _signed_in(hotline["dispatcher"]).post(
        reverse("hotline:limit_edit", args=["ordinary", "any"]),
        {
            "sign_within": "3",
            "sign_unit": "working_days",
            "answer_within": "0",
            "answer_unit": "working_days",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "请输入大于零的时间。" in html
    assert not TicketLimit.objects.exists()
