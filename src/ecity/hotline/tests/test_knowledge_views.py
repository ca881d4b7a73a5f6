"""Knowledge-base pages: the agent's search partial, the public pages, and the staff journey
from writing to review (with field-level errors and refusals)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.hotline.models import KnowledgeArticle
from ecity.hotline.services.knowledge import article_create, article_submit
from ecity.hotline.tests import knowledge_support
from ecity.hotline.tests.knowledge_support import data, make_ticket, published
from ecity.identity.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
kb = knowledge_support.kb
Status = KnowledgeArticle.Status


def test_agent_search_returns_a_fragment_for_htmx_and_a_page_without_js(client, kb):
    # given a published internal article and an agent
    published(kb, title="噪音投诉派单口径", is_public=False)
    client.force_login(kb.agent)
    url = reverse("hotline:knowledge_search") + "?q=噪音"
    # when the console asks with htmx
    fragment = client.get(url, headers={"HX-Request": "true"})
    # then only the results come back, with the word marked
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert "<mark>噪音</mark>投诉派单口径" in html
    assert "<html" not in html
    # and without JavaScript the same results come in a full page with a search form
    page = client.get(url)
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    assert 'name="q"' in page.content.decode()


def test_agent_search_is_for_staff_only(client, kb):
    client.force_login(UserFactory())
    assert client.get(reverse("hotline:knowledge_search") + "?q=噪音").status_code == 403


def test_public_knowledge_base_shows_public_articles_only(client, kb):
    # given a public and an internal article
    public = published(kb, title="施工噪音扰民怎么办")
    internal = published(kb, title="噪音投诉派单口径", is_public=False)
    # when a citizen searches
    response = client.get(reverse("hotline:knowledge") + "?q=噪音")
    # then only the public one is listed, and its page opens while the internal one's does not
    html = response.content.decode()
    assert response.status_code == 200
    assert "施工<mark>噪音</mark>扰民怎么办" in html
    assert "派单口径" not in html
    public_url = reverse("hotline:knowledge_article", args=[public.public_id])
    assert client.get(public_url).status_code == 200
    assert (
        client.get(reverse("hotline:knowledge_article", args=[internal.public_id])).status_code
        == 404
    )


def test_public_article_page_and_category_in_english(client, kb):
    article = published(kb, title="施工噪音扰民怎么办")
    category = client.get(reverse("hotline:knowledge_category", args=[kb.category.code]))
    assert category.status_code == 200
    assert "施工噪音扰民怎么办" in category.content.decode()
    page = client.get("/en" + reverse("hotline:knowledge_article", args=[article.public_id]))
    assert page.status_code == 200
    assert "The whole city" in page.content.decode()


def test_author_writes_and_submits_and_a_reviewer_publishes(client, kb):
    # given the bureau's handler on the new-article page
    client.force_login(kb.author)
    response = client.post(
        reverse("hotline:knowledge_staff_create"),
        {
            "department": kb.bureau.pk,
            "category": kb.category.pk,
            "title": "施工噪音扰民怎么办",
            "body": "夜间施工须取得许可。",
            "keywords": "噪声",
            "is_public": "on",
        },
    )
    article = KnowledgeArticle.objects.get()
    assert response.status_code == 302
    # when they submit it
    client.post(
        reverse("hotline:knowledge_staff_action", args=[article.public_id, "submit"]),
        {"revision": article.revision},
    )
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    # then the author is shown no approve button, and the dispatcher approves it
    page = client.get(reverse("hotline:knowledge_staff_detail", args=[article.public_id]))
    assert page.status_code == 200
    assert "send_back" not in page.content.decode()
    client.force_login(kb.dispatcher)
    client.post(
        reverse("hotline:knowledge_staff_action", args=[article.public_id, "approve"]),
        {"revision": article.revision},
    )
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    history = client.get(reverse("hotline:knowledge_staff_detail", args=[article.public_id]))
    assert "版本 1" in history.content.decode() or "Version 1" in history.content.decode()


def test_the_form_shows_field_errors(client, kb):
    client.force_login(kb.author)
    response = client.post(
        reverse("hotline:knowledge_staff_create"),
        {"department": kb.bureau.pk, "category": kb.category.pk, "title": "<b></b>", "body": "x"},
    )
    # the title is empty once markup is removed: the service's message is shown at the field
    assert response.status_code == 200
    assert 'id="id_title-error"' in response.content.decode()
    assert not KnowledgeArticle.objects.exists()


def test_sending_back_without_a_note_shows_the_error(client, kb):
    article = article_create(actor=kb.author, department=kb.bureau, data=data(kb))
    article_submit(actor=kb.author, article=article)
    client.force_login(kb.dispatcher)
    response = client.post(
        reverse("hotline:knowledge_staff_action", args=[article.public_id, "send_back"]),
        {"note": ""},
    )
    assert response.status_code == 400
    assert 'id="id_note-error"' in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW


def test_another_department_cannot_open_the_bureaus_draft(client, kb):
    article = article_create(actor=kb.author, department=kb.bureau, data=data(kb))
    client.force_login(kb.outsider)
    detail = client.get(reverse("hotline:knowledge_staff_detail", args=[article.public_id]))
    assert detail.status_code == 404
    edit = client.post(reverse("hotline:knowledge_staff_edit", args=[article.public_id]), {})
    assert edit.status_code == 404


def test_propose_view_makes_a_draft_from_a_closed_ticket(client, kb):
    ticket = make_ticket(closed=True, category=kb.category)
    client.force_login(kb.author)
    response = client.post(reverse("hotline:knowledge_propose", args=[ticket.number]))
    article = KnowledgeArticle.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(
        reverse("hotline:knowledge_staff_edit", args=[article.public_id])
    )
    assert article.source_ticket == ticket


def test_the_english_article_form_names_the_regions_in_english(client, kb):
    # given a district with an English name and the bureau's handler on the English form
    from ecity.identity.tests.factories import RegionFactory
    from ecity.org.models import Region

    RegionFactory(code="420102", name_zh="江岸区", name_en="Jiang'an", level=Region.Level.DISTRICT)
    client.force_login(kb.author)
    page = client.get("/en" + reverse("hotline:knowledge_staff_create")).content.decode()
    # then the applicable regions are offered by their English names
    assert "Jiang&#x27;an" in page or "Jiang'an" in page
    assert "江岸区" not in page
