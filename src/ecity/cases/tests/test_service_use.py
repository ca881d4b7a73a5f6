"""The services people apply for most come first in search when the words match equally."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecity.cases.services.service_use import service_use_record
from ecity.cases.tests.factories import CaseFactory
from ecity.catalogue.tests.factories import published_item
from ecity.search.selectors import search_query
from ecity.search.services import source_rebuild

pytestmark = pytest.mark.django_db


def test_the_more_used_of_two_equal_services_ranks_first_and_old_use_fades(
    django_capture_on_commit_callbacks,
):
    quiet = published_item(item__code="A-1", name_zh="养老保险关系转移")
    busy = published_item(item__code="B-1", name_zh="养老保险关系转移")
    source_rebuild(source="catalogue.service")
    for _ in range(5):
        CaseFactory(service_version=busy.current_version)
    CaseFactory(service_version=quiet.current_version)
    long_ago = CaseFactory(service_version=quiet.current_version)
    long_ago.submitted_at = timezone.now() - dt.timedelta(days=200)
    long_ago.save(update_fields=["submitted_at"])

    with django_capture_on_commit_callbacks(execute=True):
        changed = service_use_record()

    assert changed == 2
    busy.refresh_from_db()
    quiet.refresh_from_db()
    assert (busy.recent_applications, quiet.recent_applications) == (5, 1)
    urls = [hit.url for hit in search_query(q="养老保险").hits]
    assert urls[0].endswith("/B-1/") and urls[1].endswith("/A-1/")
    # nothing changed since: nothing written again
    assert service_use_record() == 0
