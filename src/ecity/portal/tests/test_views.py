"""The portal home page and the language switcher."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

NEXT_FIELD = re.compile(r'<input name="next" type="hidden" value="([^"]*)">')


def _next_value(response) -> str:
    """The ``next`` address the page's language switcher posts."""
    match = NEXT_FIELD.search(response.content.decode())
    assert match, "no language switcher on the page"
    return html.unescape(match.group(1))


def test_home_shows_themes_life_events_departments_and_services_in_chinese(client, demo_city):
    response = client.get("/")

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-Hans">' in page
    assert "示范市政务服务“一网通办”" in page
    assert page.count("<h1") == 1
    # themes by audience, with counts, linking to the theme pages
    assert '<a href="/services/themes/social-security/">社会保障</a>' in page
    assert '<a href="/services/themes/market-access/">市场准入</a>' in page
    citizens = response.context["citizen_themes"]
    enterprises = response.context["enterprise_themes"]
    assert {t.audience for t in citizens} == {"g2c"}
    assert {t.audience for t in enterprises} == {"g2b"}
    market = next(t for t in enterprises if t.code == "market-access")
    assert market.item_count == 5
    assert "5 项服务" in page
    # life events, departments and recent services
    assert '<a href="/services/life-events/start-business/">开办企业</a>' in page
    assert '<a href="/services/departments/SCJ/">示范市市场监督管理局</a>' in page
    assert '<a href="/services/items/JYJ-GG-001/">义务教育阶段入学登记</a>' in page


def test_home_lists_the_most_recently_published_services_first(client, demo_city):
    response = client.get("/")

    recent = list(response.context["recent_items"])
    assert len(recent) == 6
    dates = [item.current_version.published_at for item in recent]
    assert dates == sorted(dates, reverse=True)
    assert recent[0].code == "JYJ-GG-001"


def test_home_in_english_shows_english_names_and_english_links(client, demo_city):
    response = client.get("/en/")

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "one-stop government services" in page
    assert '<a href="/en/services/themes/market-access/">Market access</a>' in page
    assert (
        '<a href="/en/services/items/JYJ-GG-001/">School enrolment (compulsory education)</a>'
        in page
    )
    assert "Shifan Administration for Market Regulation" in page
    assert "5 services" in page
    assert "市场准入" not in page


def test_home_search_and_audience_links_lead_to_the_service_list(client, demo_city):
    page = client.get("/").content.decode()

    assert '<form class="search-box" role="search" method="get" action="/search/">' in page
    assert 'name="q"' in page
    for audience in ("g2c", "g2b", "g2g"):
        assert f'href="/services/?audience={audience}"' in page
    # and the service list still answers a search of its own (the one search: test_search_page)
    found = client.get("/services/", {"q": "食品经营"})
    assert found.status_code == 200
    assert "食品经营许可" in found.content.decode()


def test_home_offers_login_and_registration_to_visitors_and_the_account_to_members(
    client, demo_city
):
    anonymous = client.get("/").content.decode()
    assert 'href="/accounts/login/"' in anonymous
    assert 'href="/accounts/register/"' in anonymous

    client.login(username="zhangwei", password="Demo@12345")
    member = client.get("/").content.decode()
    assert "您已登录：张伟。" in member
    assert 'href="/accounts/profile/"' in member


def test_home_without_any_data_still_renders(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "尚未发布服务事项。" in response.content.decode()


def test_home_costs_a_constant_number_of_queries(client, demo_city, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get("/")


def test_home_refuses_post(client):
    assert client.post("/").status_code == 405


def test_switching_to_english_goes_to_the_english_address(client, demo_city):
    page = client.get("/")
    assert _next_value(page) == "/"

    response = client.post("/i18n/setlang/", {"language": "en", "next": _next_value(page)})

    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert client.get(response["Location"]).content.decode().count('<html lang="en">') == 1


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("/en/", "/"),
        ("/en/services/items/SCJ-XK-001/", "/services/items/SCJ-XK-001/"),
        ("/en/services/?audience=g2b&q=licence", "/services/?audience=g2b&q=licence"),
    ],
)
def test_switching_from_an_english_page_back_to_chinese(client, demo_city, english, chinese):
    # Given an English page opened directly (no language cookie yet)
    page = client.get(english)
    assert page.status_code == 200

    # When the visitor picks Chinese in the switcher
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": _next_value(page)})

    # Then they land on the same page in Chinese
    assert response.status_code == 302
    assert response["Location"] == chinese
    assert '<html lang="zh-Hans">' in client.get(response["Location"]).content.decode()


def test_switching_language_round_trip_keeps_the_page(client, demo_city):
    detail = reverse("catalogue:item_detail", args=["WJW-XK-001"])
    page = client.get(detail)

    to_english = client.post("/i18n/setlang/", {"language": "en", "next": _next_value(page)})
    english_page = client.get(to_english["Location"])
    back = client.post("/i18n/setlang/", {"language": "zh-hans", "next": _next_value(english_page)})

    assert to_english["Location"] == "/en/services/items/WJW-XK-001/"
    assert "Public venue hygiene permit" in english_page.content.decode()
    assert back["Location"] == detail


def test_language_switcher_on_an_english_404_page_points_to_the_unprefixed_address(client):
    page = client.get("/en/no-such-page/")

    assert page.status_code == 404
    assert _next_value(page) == "/no-such-page/"


def test_language_switcher_names_each_language_in_itself(client):
    page = client.get("/en/").content.decode()

    assert '<option value="zh-hans" lang="zh-Hans">简体中文</option>' in page
    assert '<option value="en" selected lang="en">English</option>' in page


def test_every_page_links_to_government_information_disclosure(client, db):
    # a resident reaches the disclosure catalogue and the request form without an account
    html = client.get("/").content.decode()

    footer = html[html.index('<footer class="site-footer"') :]
    assert 'href="/disclosure/"' in footer
    assert "政府信息公开" in footer
