"""The resource catalogue's database rules."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from ecity.registry.models import ShareType
from ecity.registry.tests.factories import ResourceFactory, ResourceItemFactory

pytestmark = pytest.mark.django_db


def test_two_live_resources_cannot_share_a_code():
    # Given a live resource 330100-GA-0001
    live = ResourceFactory(code="330100-GA-0001")
    # When another live resource takes its code, Then the database refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        ResourceFactory(code="330100-GA-0001", provider=live.provider)


def test_a_revision_keeps_the_code_of_its_live_resource():
    # Given a live resource
    live = ResourceFactory(code="330100-GA-0001", version=1)
    # When a revision with the same code is drafted
    revision = ResourceFactory(code="330100-GA-0001", revision_of=live, version=2)
    # Then both rows exist and the revision is found from the live entry
    assert live.revision == revision
    assert revision.is_revision and not live.is_revision


def test_conditional_sharing_needs_a_condition():
    with pytest.raises(IntegrityError), transaction.atomic():
        ResourceFactory(share_type=ShareType.CONDITIONAL, share_condition="")


def test_an_item_without_its_own_share_type_takes_the_resources():
    item = ResourceItemFactory(
        resource__share_type=ShareType.CONDITIONAL, resource__share_condition="仅限办件使用"
    )
    other = ResourceItemFactory(resource=item.resource, share_type=ShareType.NOT_SHARED)
    assert item.effective_share_type == ShareType.CONDITIONAL
    assert other.effective_share_type == ShareType.NOT_SHARED
