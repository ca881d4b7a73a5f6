"""互动交流: the portal leads everyone to the hotline and participation, and staff to their work."""

from __future__ import annotations

import pytest
from django.test import Client

from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory
from ecity.org.models import StaffRole

pytestmark = pytest.mark.django_db


def test_anyone_finds_the_hotline_mailboxes_and_surveys_from_the_header():
    # Given a visitor who is not signed in
    home = Client().get("/").content.decode()
    # When they follow 互动交流 in the header, then the page offers every way to reach the city
    assert 'href="/interact/"' in home and "互动交流" in home
    page = Client().get("/interact/").content.decode()
    for path in ("/hotline/new/", "/hotline/query/", "/hotline/knowledge/"):
        assert f'href="{path}"' in page
    assert 'href="/participation/mailboxes/"' in page
    assert 'href="/participation/surveys/"' in page
    # and in English too
    english = Client().get("/en/interact/").content.decode()
    assert "Contact and participate" in english and 'href="/en/hotline/query/"' in english


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (StaffRole.Role.HOTLINE_AGENT, "/hotline/console/", "/hotline/work/"),
        (StaffRole.Role.HOTLINE_DISPATCHER, "/hotline/supervision/", "/hotline/console/"),
        (StaffRole.Role.TICKET_HANDLER, "/hotline/work/", "/hotline/supervision/"),
    ],
)
def test_hotline_staff_see_the_link_to_their_own_work_only(role, shown, hidden):
    # Given a staff member with one hotline role
    user = StaffRoleFactory(department=DepartmentFactory(), role=role).user
    client = Client()
    client.force_login(user)
    # When they open any page, then the header links to their work and not to another role's
    page = client.get("/").content.decode()
    assert f'href="{shown}"' in page and f'href="{hidden}"' not in page
