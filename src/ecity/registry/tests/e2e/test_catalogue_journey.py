"""A visitor browses the resource catalogue in a real browser: facets, detail, open data."""

from __future__ import annotations

import re

import pytest

from ecity.testing.e2e import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_visitor_narrows_the_catalogue_by_department_and_reads_a_resource(
    live_server, page, artifacts, published_catalogue
):
    from playwright.sync_api import expect

    # The catalogue lists the three published resources with facets
    page.goto(f"{live_server.url}/registry/resources/")
    expect(page.get_by_role("heading", level=1)).to_have_text("政务信息资源目录")
    expect(page.get_by_role("heading", level=2, name="共 3 项资源")).to_be_visible()
    assert_accessible(page)

    # Choosing the police department in the facets leaves its two resources
    page.get_by_role("link", name="示范市公安局").click()
    page.wait_for_url(re.compile(r"department=GAJ"))
    expect(page.get_by_role("heading", level=2, name="共 2 项资源")).to_be_visible()
    page.screenshot(path=str(artifacts / "catalogue-police.png"), full_page=True)

    # The detail page shows the items bound to data elements
    page.get_by_role("link", name="人口基础信息").click()
    page.wait_for_url(re.compile(r"/registry/resources/GA-0001/$"))
    items = page.get_by_role("table")
    expect(items).to_contain_text("公民身份号码")
    expect(items).to_contain_text("DE0001")
    assert_accessible(page)

    # The open data page offers the code list's values
    page.goto(f"{live_server.url}/registry/open-data/")
    expect(page.get_by_role("link", name=re.compile("代码值"))).to_be_visible()
    assert_accessible(page)
