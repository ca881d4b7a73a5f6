"""Public knowledge-base API: search of public articles, filters, errors, OpenAPI."""

from __future__ import annotations

import pytest

from ecity.hotline.tests import knowledge_support
from ecity.hotline.tests.knowledge_support import days, make_region, published

pytestmark = pytest.mark.django_db
kb = knowledge_support.kb
URL = "/api/v1/hotline/knowledge/"


def test_search_returns_public_articles_ranked_with_snippets(api_client, kb):
    # given a public article, an internal one and an expired one about noise
    article = published(kb, title="施工噪音扰民怎么办", keywords="噪声")
    published(kb, title="噪音投诉派单口径", is_public=False)
    published(kb, title="噪音旧规定", valid_until=days(-1))
    # when anyone searches 噪音
    response = api_client.get(URL, {"q": "噪音"})
    # then only the public, valid article comes back with its snippet and matched word
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == str(article.public_id)
    assert row["title"] == "施工噪音扰民怎么办"
    assert row["matched_words"] == ["噪音"]
    assert row["keywords"] == ["噪声"]
    assert row["category"]["code"] == kb.category.code
    assert row["regions"] == []
    assert row["score"] > 0


def test_without_a_query_lists_public_articles_newest_first(api_client, kb):
    published(kb, title="第一篇")
    published(kb, title="第二篇")
    published(kb, title="内部", is_public=False)
    response = api_client.get(URL)
    assert response.status_code == 200
    assert [r["title"] for r in response.json()["results"]] == ["第二篇", "第一篇"]
    assert response.json()["results"][0]["score"] is None


def test_an_unknown_region_is_a_field_error(api_client, kb):
    response = api_client.get(URL, {"q": "噪音", "region": "000000"})
    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"
    assert "region" in response.json()["fields"]


def test_region_filter_leaves_out_other_regions(api_client, kb):
    here, there = make_region(), make_region()
    published(kb, title="噪音本区").regions.set([here])
    published(kb, title="噪音他区").regions.set([there])
    response = api_client.get(URL, {"q": "噪音", "region": here.code})
    assert [r["title"] for r in response.json()["results"]] == ["噪音本区"]


def test_the_endpoint_is_in_the_openapi_schema(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    operation = response.json()["paths"]["/api/v1/hotline/knowledge/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "region", "category", "page"}
