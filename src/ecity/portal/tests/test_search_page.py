"""The one search on the demo city: the page, its JSON and RSS, and the public API."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.db import transaction
from django.urls import reverse

from ecity.catalogue.models import ServiceItem
from ecity.search.selectors import search_query, search_suggest
from ecity.search.services import index_schedule
from ecity.testing.events import events_deliver_all

pytestmark = pytest.mark.django_db


def titles(result):
    return [hit.title for hit in result.hits]


def test_kaidian_finds_the_food_licence_and_the_individual_business_through_the_thesaurus(
    demo_city,
):
    found = titles(search_query(q="开店"))

    assert "食品经营许可" in found
    assert any(title.startswith("个体工商户登记") for title in found)


def test_pinyin_and_initials_find_the_identity_card_service(demo_city):
    assert "居民身份证换领" in titles(search_query(q="shenfenzheng"))
    assert "居民身份证换领" in titles(search_query(q="sfz"))
    assert "居民身份证换领" in titles(search_query(q="身份证"))


def test_a_withdrawn_service_disappears_once_its_event_is_handled(demo_city):
    item = ServiceItem.objects.get(current_version__name_zh="居民身份证换领")
    assert "居民身份证换领" in titles(search_query(q="身份证"))

    with transaction.atomic():
        ServiceItem.objects.filter(pk=item.pk).update(is_active=False)
        index_schedule(source="catalogue.service", keys=[item.code])
    events_deliver_all()

    assert "居民身份证换领" not in titles(search_query(q="身份证"))


def test_suggestions_complete_titles_from_chinese_and_pinyin(demo_city):
    assert "居民身份证换领" in search_suggest(prefix="居民身份")
    assert "居民身份证换领" in search_suggest(prefix="jumin")
    assert all(s.startswith("食品") for s in search_suggest(prefix="食品"))


def test_search_page_shows_highlighted_hits_facets_and_pages(client, demo_city):
    response = client.get(reverse("portal:search"), {"q": "身份证"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "身份证</mark>" in html
    assert "居民身份证换领" in html.replace("<mark>", "").replace("</mark>", "")
    assert "Content type" in html or "内容类型" in html


def test_search_page_without_query_shows_the_form_only(client, demo_city):
    response = client.get(reverse("portal:search"))

    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()
    assert "search-hit" not in response.content.decode()


def test_search_page_shows_a_field_error_for_a_too_long_query(client, demo_city):
    response = client.get(reverse("portal:search"), {"q": "证" * 101})

    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


def test_home_search_box_leads_to_the_one_search(client, demo_city):
    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    assert f'action="{reverse("portal:search")}"' in response.content.decode()


def test_search_results_as_json_and_rss(client, demo_city):
    as_json = client.get(reverse("portal:search"), {"q": "身份证", "format": "json"})
    as_rss = client.get(reverse("portal:search"), {"q": "身份证", "format": "rss"})

    assert as_json.status_code == 200
    assert "居民身份证换领" in [hit["title"] for hit in as_json.json()["hits"]]
    assert as_rss.status_code == 200
    items = ET.fromstring(as_rss.content)  # noqa: S314 - our own feed
    items = items.findall("./channel/item/title")
    assert "居民身份证换领" in [item.text for item in items]


def test_search_api_returns_hits_and_facets_and_field_errors(client, demo_city):
    response = client.get("/api/v1/search/", {"q": "开店", "kind": "service"})
    bad = client.get("/api/v1/search/", {"q": "", "page": "x"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    body = response.json()
    assert body["total"] >= 2
    assert {f["value"] for f in body["facets"]["kind"]} == {"service"}
    assert bad.status_code == 400
    assert bad.json()["code"] == "validation_failed"
    assert set(bad.json()["fields"]) == {"q", "page"}
    assert bad.json()["fields"]["q"] == ["请输入要查找的内容。"]


def test_suggest_api_returns_prefix_matches(client, demo_city):
    response = client.get("/api/v1/search/suggest/", {"prefix": "sfz"})

    assert response.status_code == 200
    assert "身份证" in response.json()["suggestions"]
