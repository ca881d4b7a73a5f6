"""The one search over a test source: indexing, removal, pinyin, facets, highlighting, errors."""

from __future__ import annotations

import datetime as dt

import pytest

from ecity.core.errors import ValidationFailed
from ecity.search.models import IndexedDocument
from ecity.search.selectors import search_query, search_suggest
from ecity.search.services import source_rebuild

pytestmark = pytest.mark.django_db


def titles(result):
    return [hit.title for hit in result.hits]


def test_published_document_is_found_and_deleted_one_disappears(pages):
    pages.put("1", "居民身份证申领", "首次申领居民身份证的办理指南。")
    assert titles(search_query(q="身份证")) == ["居民身份证申领"]

    pages.delete("1")

    assert titles(search_query(q="身份证")) == []
    assert not IndexedDocument.objects.filter(key="1").exists()


def test_unpublishing_removes_a_document_and_drafts_never_appear(pages):
    pages.put("1", "户口迁移登记", "户口迁入迁出。")
    pages.put("2", "户口本补领", "草稿", public=False)
    assert titles(search_query(q="户口")) == ["户口迁移登记"]

    pages.put("1", "户口迁移登记", "户口迁入迁出。", public=False)

    assert search_query(q="户口").total == 0


def test_an_edit_replaces_the_old_words(pages):
    pages.put("1", "出生医学证明", "新生儿")
    pages.put("1", "死亡医学证明", "居民死亡")

    assert search_query(q="出生").total == 0
    assert titles(search_query(q="死亡")) == ["死亡医学证明"]


def test_pinyin_and_initials_find_shenfenzheng(pages):
    pages.put("1", "居民身份证申领", "办理指南")
    pages.put("2", "机动车驾驶证换证", "办理指南")

    assert titles(search_query(q="shenfenzheng")) == ["居民身份证申领"]
    assert titles(search_query(q="sfz")) == ["居民身份证申领"]
    hit = search_query(q="sfz").hits[0]
    assert "<mark>身份证</mark>" in hit.title_html


def test_highlight_escapes_html_in_titles_and_bodies(pages):
    pages.put("1", "<script>alert(1)</script>营业执照", "营业执照 <b>加粗</b>")

    hit = search_query(q="营业执照").hits[0]

    assert "<script>" not in hit.title_html
    assert hit.title_html == "&lt;script&gt;alert(1)&lt;/script&gt;<mark>营业执照</mark>"
    assert "&lt;b&gt;加粗&lt;/b&gt;" in hit.snippet_html


def test_facets_count_matching_documents_after_filters(pages):
    when = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    pages.put(
        "1",
        "社会保险参保登记",
        "社保",
        department_code="HR",
        department_name="人社局",
        audiences=("g2c",),
    )
    pages.put(
        "2",
        "社会保险费缴纳",
        "社保",
        department_code="TAX",
        department_name="税务局",
        audiences=("g2c", "g2b"),
        published_at=when,
    )
    pages.put(
        "3",
        "社会保险新闻",
        "社保",
        kind="news",
        department_code="HR",
        department_name="人社局",
        audiences=("g2b",),
    )
    pages.put("4", "公积金提取", "住房")

    result = search_query(q="社会保险")

    assert result.total == 3
    facets = {name: {f.value: f.count for f in values} for name, values in result.facets.items()}
    assert facets["kind"] == {"page": 2, "news": 1}
    assert facets["department"] == {"HR": 2, "TAX": 1}
    assert facets["audience"] == {"g2c": 2, "g2b": 2}
    assert facets["year"] == {"2026": 2, "2025": 1}
    filtered = search_query(q="社会保险", audience="g2b", department="HR")
    assert titles(filtered) == ["社会保险新闻"]
    assert titles(search_query(q="社会保险", date_to=dt.date(2025, 12, 31))) == ["社会保险费缴纳"]
    assert search_query(q="社会保险", kinds=["news"]).total == 1


def test_title_matches_rank_before_body_matches_and_popularity_counts(pages):
    pages.put("1", "婚姻登记须知", "结婚登记和离婚登记的材料。")
    pages.put("2", "结婚登记", "办理结婚登记。")
    pages.put("3", "结婚登记（涉外）", "办理结婚登记。", popularity=0)

    assert titles(search_query(q="结婚"))[-1] == "婚姻登记须知"


def test_pages_split_results(pages):
    for n in range(12):
        pages.put(str(n), f"公告第{n}号", "公告")

    first, second = search_query(q="公告"), search_query(q="公告", page=2)

    assert (first.total, first.pages, len(first.hits), len(second.hits)) == (12, 2, 10, 2)
    assert not set(titles(first)) & set(titles(second))


def test_did_you_mean_corrects_homophones_and_pinyin_typos(pages):
    pages.put("1", "居民身份证申领", "办理指南")

    assert search_query(q="身份正").did_you_mean == "身份证"
    assert search_query(q="shenfengzheng").did_you_mean == "身份证"
    assert search_query(q="身份证").did_you_mean == ""


def test_suggestions_are_prefix_matches_of_titles_and_pinyin(pages):
    pages.put("1", "居民身份证申领", "", popularity=5)
    pages.put("2", "居住证办理", "")
    pages.put("3", "营业执照", "")

    assert search_suggest(prefix="居民")[0] == "居民身份证申领"
    assert set(search_suggest(prefix="居")) >= {"居民身份证申领", "居住证办理"}
    assert "营业执照" not in search_suggest(prefix="居")
    assert search_suggest(prefix="jumin")[0] == "居民身份证申领"
    assert "身份证" in search_suggest(prefix="sfz")
    assert search_suggest(prefix=" ") == []


def test_rebuild_restores_missing_and_removes_stale_documents(pages):
    pages.put("1", "食品经营许可", "")
    pages.docs["2"] = (
        pages.docs["1"][0].__class__(title="药品经营许可", body="", url="/2/", kind="page"),
        True,
    )
    pages.docs.pop("1")  # changed behind the index's back: no event

    result = source_rebuild(source="testing.page")

    assert result["testing.page"] == (1, 1)
    assert titles(search_query(q="经营许可")) == ["药品经营许可"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "字" * 101}, "q"),
        ({"q": "？！"}, "q"),
        ({"q": "证", "page": 0}, "page"),
        ({"q": "证", "page": 101}, "page"),
        ({"q": "证", "department": "a b"}, "department"),
        ({"q": "证", "date_from": dt.date(2026, 2, 1), "date_to": dt.date(2026, 1, 1)}, "to"),
    ],
)
def test_bad_input_gives_a_field_error(pages, params, field):
    with pytest.raises(ValidationFailed) as error:
        search_query(**params)
    assert list(error.value.fields) == [field]
