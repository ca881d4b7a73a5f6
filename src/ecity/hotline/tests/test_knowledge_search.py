"""Knowledge search: Chinese words, ranking, validity, visibility, regions and highlighting."""

from __future__ import annotations

import pytest

from ecity.hotline.selectors.knowledge import article_search
from ecity.hotline.tests import knowledge_support
from ecity.hotline.tests.knowledge_support import days, make_region, published
from ecity.org.models import Region

pytestmark = pytest.mark.django_db
kb = knowledge_support.kb


def titles(hits):
    return [hit.article.title for hit in hits]


def test_noise_finds_the_article_on_construction_noise(kb):
    # given an article on 施工噪音扰民 and one on something else
    published(kb, title="施工噪音扰民", body="夜间施工须办理许可。", keywords="")
    published(kb, title="占道经营", body="流动摊贩占道经营的处理。", keywords="")
    # when an agent searches 噪音
    hits = article_search(query="噪音", public_only=False)
    # then the noise article is found, with the word marked
    assert titles(hits) == ["施工噪音扰民"]
    assert "<mark>噪音</mark>" in hits[0].title_html


def test_business_licence_finds_the_sole_trader_licence_article(kb):
    published(kb, title="个体工商户营业执照办理", body="携带身份证到政务服务中心办理。")
    hits = article_search(query="营业执照", public_only=True)
    assert titles(hits) == ["个体工商户营业执照办理"]


def test_title_hits_rank_before_keyword_hits_before_body_hits(kb):
    # given three articles that mention 垃圾 in the body, the keywords and the title
    published(kb, title="环境卫生", body="生活垃圾应分类投放。", keywords="")
    published(kb, title="小区保洁", body="物业负责日常保洁。", keywords="垃圾")
    published(kb, title="垃圾清运时间", body="每日两次清运。", keywords="")
    # when someone searches 垃圾
    hits = article_search(query="垃圾", public_only=True)
    # then the title hit comes first, then the keyword hit, then the body hit
    assert titles(hits) == ["垃圾清运时间", "小区保洁", "环境卫生"]


def test_the_snippet_marks_matched_words_and_escapes_the_text(kb):
    published(kb, title="停车收费", body="路边停车收费标准：a<b 时按小时计费。")
    hit = article_search(query="停车", public_only=True)[0]
    assert "<mark>停车</mark>" in hit.snippet_html
    assert "a&lt;b" in hit.snippet_html


def test_internal_articles_are_found_by_staff_only(kb):
    published(kb, title="噪音投诉派单口径", is_public=False)
    assert titles(article_search(query="噪音", public_only=False)) == ["噪音投诉派单口径"]
    assert article_search(query="噪音", public_only=True) == []


def test_articles_outside_their_validity_are_not_found(kb):
    # given an expired article, a future one and a current one
    published(kb, title="噪音旧规定", valid_from=days(-30), valid_until=days(-1))
    published(kb, title="噪音新规定", valid_from=days(5))
    published(kb, title="噪音现行规定", valid_until=days(0))
    # when someone searches
    hits = article_search(query="噪音", public_only=True)
    # then only the article valid today is found
    assert titles(hits) == ["噪音现行规定"]


def test_region_leaves_out_articles_of_other_regions(kb):
    # given a district with a sub-district, and another district
    district = make_region(name_zh="江岸区")
    street = make_region(name_zh="大智街道", level=Region.Level.SUBDISTRICT, parent=district)
    elsewhere = make_region(name_zh="武昌区")
    city = published(kb, title="噪音全市规定")
    here = published(kb, title="噪音江岸区规定")
    here.regions.set([district])
    there = published(kb, title="噪音武昌区规定")
    there.regions.set([elsewhere])
    # when a caller from the sub-district searches
    hits = article_search(query="噪音", public_only=True, region=street)
    # then the city-wide and the district article are found, not the other district's
    assert sorted(titles(hits)) == sorted([city.title, here.title])


def test_an_empty_or_punctuation_query_finds_nothing(kb):
    published(kb)
    assert article_search(query="", public_only=True) == []
    assert article_search(query="？！。", public_only=True) == []


def test_limit_caps_the_hits(kb):
    for n in range(4):
        published(kb, title=f"噪音问题{n}")
    assert len(article_search(query="噪音", public_only=True, limit=3)) == 3
