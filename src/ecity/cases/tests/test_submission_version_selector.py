"""The API looks up the service version to apply for in one query, without the guide."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecity.cases.selectors.applicant import service_version_for_submission
from ecity.catalogue.models import ServiceItem, ServiceItemVersion
from ecity.catalogue.tests.factories import VersionFactory
from ecity.core.errors import NotFound

pytestmark = pytest.mark.django_db


def test_returns_the_current_published_version_in_one_query(joint):
    with CaptureQueriesContext(connection) as queries:
        version = service_version_for_submission(code="SCJ-XK-TEST")
        department = version.item.department.code

    assert version.pk == joint.version.pk
    assert department == "SCJ"
    assert len(queries.captured_queries) == 1


def test_unknown_or_inactive_services_are_not_found(joint):
    with pytest.raises(NotFound):
        service_version_for_submission(code="NOPE")
    ServiceItem.objects.filter(pk=joint.item.pk).update(is_active=False)
    with pytest.raises(NotFound):
        service_version_for_submission(code="SCJ-XK-TEST")


def test_a_superseded_version_is_not_found(joint):
    ServiceItemVersion.objects.filter(pk=joint.version.pk).update(
        status=ServiceItemVersion.Status.SUPERSEDED
    )

    with pytest.raises(NotFound):
        service_version_for_submission(code="SCJ-XK-TEST")


def test_only_the_items_current_version_is_returned(joint):
    newer = VersionFactory(item=joint.item, number=2, status=ServiceItemVersion.Status.PUBLISHED)
    ServiceItem.objects.filter(pk=joint.item.pk).update(current_version=newer)

    assert service_version_for_submission(code="SCJ-XK-TEST").pk == newer.pk
