"""A query matching more documents than are counted exactly: estimated totals and facets,
bounded candidates, and still the best documents first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ecity.search.backends import SAMPLE_EVERY
from ecity.search.models import IndexedDocument
from ecity.search.selectors import search_query

pytestmark = pytest.mark.django_db

MANY = 320  # bodies mentioning 公告; 5 of them (ids divisible by 64) are the sample


@pytest.fixture
def many(pages, settings):
    settings.ECITY_SEARCH_EXACT_LIMIT = 40
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    documents = {
        str(n): (
            f"工作动态第{n}期",
            "本期刊登公告一则。",
            {
                "published_at": start + dt.timedelta(days=n),
                "kind": "news" if n % 4 == 0 else "page",
            },
        )
        for n in range(MANY)
    }
    documents["old-title"] = ("停水公告", "因管道维修停水。", {"published_at": start})
    documents["new-title"] = ("停电公告", "线路检修。", {"published_at": start})
    documents["popular"] = (
        "办事大厅开放时间",
        "节假日公告见首页。",
        {"published_at": start, "popularity": 5000.0},
    )
    pages.put_many(documents)
    return pages


def test_a_large_result_is_estimated_from_the_sample(many):
    matching = MANY + 3
    result = search_query(q="公告")

    assert result.estimated
    in_sample = IndexedDocument.objects.filter(body_tokens__contains="公告").extra(  # noqa: S610
        where=[f"id %% {SAMPLE_EVERY} = 0"]
    )
    assert result.total == max(in_sample.count() * SAMPLE_EVERY, 41)
    assert matching / 2 <= result.total <= matching * 2
    kinds = {f.value: f.count for f in result.facets["kind"]}
    assert sum(kinds.values()) == in_sample.count() * SAMPLE_EVERY
    assert set(kinds) <= {"news", "page"}


def test_a_large_result_still_puts_title_matches_and_popular_documents_first(many):
    result = search_query(q="公告")

    top = [hit.title for hit in result.hits[:3]]
    assert {"停水公告", "停电公告", "办事大厅开放时间"} == set(top)


def test_pages_of_a_large_result_do_not_repeat_documents(many):
    first, second = search_query(q="公告"), search_query(q="公告", page=2)

    assert len(first.hits) == 10 and second.hits
    assert not {h.url for h in first.hits} & {h.url for h in second.hits}


def test_a_filter_that_narrows_a_large_result_counts_exactly(many):
    result = search_query(q="公告", kinds=["page"], date_to=dt.date(2020, 1, 31))

    assert not result.estimated
    expected = 3 + sum(1 for n in range(31) if n % 4)
    assert result.total == expected


def test_the_page_and_the_api_say_the_count_is_an_estimate(client, many):
    page = client.get(reverse("portal:search"), {"q": "公告"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    api = client.get("/api/v1/search/", {"q": "公告"})
    exact = client.get("/api/v1/search/", {"q": "停水"})

    assert page.status_code == 200
    text = page.content.decode()
    assert "约 " in text and "条结果" in text
    assert api.json()["estimated"] is True
    assert exact.json()["estimated"] is False and exact.json()["total"] == 1


def test_title_matches_outside_the_newest_window_are_still_candidates(many, monkeypatch):
    # The title candidates come from a window of the newest ids first; a window without enough
    # of them (here: none at all) falls back to every title match, so an older title still
    # ranks first.
    from ecity.search.selectors import query as query_module

    monkeypatch.setattr(query_module, "TITLE_WINDOW", 0)
    result = search_query(q="公告")

    assert result.estimated
    top = [hit.title for hit in result.hits[:3]]
    assert {"停水公告", "停电公告", "办事大厅开放时间"} == set(top)


def test_testing_the_window_row_by_row_finds_the_same_candidates_as_the_index(many, monkeypatch):
    # At 1,000,000 documents the windows are tested row by row (PostgreSQL: ts_match_vq, no
    # index); here the windows are small, so force it and compare with the index lookup.
    from ecity.search.selectors import query as query_module

    by_index = [[h.url for h in search_query(q="公告", page=p).hits] for p in (1, 2, 3)]
    monkeypatch.setattr(query_module, "ROW_TEST_COST", 0)
    row_by_row = [[h.url for h in search_query(q="公告", page=p).hits] for p in (1, 2, 3)]

    assert row_by_row == by_index
    assert len(by_index[0]) == 10
