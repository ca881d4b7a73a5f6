"""Browsing selectors: filters, counts and constant query counts."""

from __future__ import annotations

import pytest

from ecity.catalogue import selectors
from ecity.catalogue.tests.factories import (
    LifeEventFactory,
    ThemeFactory,
    VersionFactory,
    published_item,
)
from ecity.core.errors import NotFound
from ecity.identity.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def _codes(items):
    return [item.code for item in items]


def test_published_item_list_filters_by_each_criterion():
    theme = ThemeFactory(code="kaiban", audience="g2b")
    event = LifeEventFactory(code="shengyu")
    department = DepartmentFactory(code="WJW")
    a = published_item(themes=[theme], for_g2c=False, for_g2b=True, name_zh="企业开办")
    b = published_item(life_events=[event], item__department=department, name_en="Adoption")
    c = published_item(summary_zh="办理养老金领取", kind="payment")

    assert _codes(selectors.published_item_list(theme="kaiban")) == [a.code]
    assert _codes(selectors.published_item_list(life_event="shengyu")) == [b.code]
    assert _codes(selectors.published_item_list(department="WJW")) == [b.code]
    assert _codes(selectors.published_item_list(audience="g2b")) == [a.code]
    assert _codes(selectors.published_item_list(q="养老")) == [c.code]
    assert _codes(selectors.published_item_list(q="adopt")) == [b.code]
    assert _codes(selectors.published_item_list(q=c.code.lower())) == [c.code]
    assert _codes(selectors.published_item_list(kind="payment")) == [c.code]
    assert _codes(selectors.published_item_list(theme="kaiban", audience="g2c")) == []


def test_drafts_and_inactive_items_are_not_listed():
    VersionFactory()
    inactive = published_item()
    inactive.is_active = False
    inactive.save()
    visible = published_item()

    assert _codes(selectors.published_item_list()) == [visible.code]


def test_unknown_audience_is_not_found():
    with pytest.raises(NotFound):
        selectors.published_item_list(audience="x")


def test_published_item_list_query_count_is_constant(django_assert_num_queries):
    for _ in range(5):
        published_item()

    with django_assert_num_queries(1):
        rows = [
            (i.code, i.current_version.name, i.department.name_zh)
            for i in selectors.published_item_list()
        ]

    assert len(rows) == 5


def test_theme_and_life_event_lists_count_published_items_per_audience():
    citizens = ThemeFactory(code="c", audience="g2c")
    business = ThemeFactory(code="b", audience="g2b")
    event = LifeEventFactory(code="e", audience="g2c")
    published_item(themes=[citizens, business], life_events=[event])
    published_item(themes=[citizens])
    VersionFactory().themes.add(citizens)  # draft: not counted

    with_counts = {t.code: t.item_count for t in selectors.theme_list()}
    only_business = [t.code for t in selectors.theme_list(audience="g2b")]
    events = [(e.code, e.item_count) for e in selectors.life_event_list(audience="g2c")]

    assert with_counts == {"c": 2, "b": 1}
    assert only_business == ["b"]
    assert events == [("e", 1)]


def test_superseded_versions_do_not_count_twice():
    theme = ThemeFactory(code="t")
    item = published_item(themes=[theme])
    new = VersionFactory(item=item, number=2)
    new.themes.add(theme)
    from ecity.catalogue.tests.factories import publish_version

    publish_version(new)

    assert [t.item_count for t in selectors.theme_list()] == [1]


def test_department_list_with_services_has_only_departments_with_published_items():
    with_items = DepartmentFactory(code="A")
    DepartmentFactory(code="B")
    published_item(item__department=with_items)
    published_item(item__department=with_items)
    VersionFactory(item__department=DepartmentFactory(code="C"))

    rows = [(d.code, d.item_count) for d in selectors.department_list_with_services()]

    assert rows == [("A", 2)]


def test_item_get_published_prefetches_the_guide(django_assert_num_queries):
    item = published_item()

    with django_assert_num_queries(7):
        found = selectors.item_get_published(code=item.code)
        version = found.current_version
        list(version.materials.all()), list(version.locations.all()), list(version.faqs.all())
        list(version.themes.all()), list(version.life_events.all())

    with pytest.raises(NotFound):
        selectors.item_get_published(code="missing")


def test_version_list_hides_drafts_unless_asked():
    item = published_item()
    VersionFactory(item=item, number=2)

    public = [v.number for v in selectors.version_list(item=item)]
    everything = [v.number for v in selectors.version_list(item=item, include_drafts=True)]

    assert public == [1]
    assert everything == [2, 1]
