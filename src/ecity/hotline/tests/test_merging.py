"""Duplicates (并单): the candidates shown to the dispatcher, the merge rules, and closing merged
tickets with their main ticket's answer."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from ecity.audit.models import AuditEntry
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.hotline.models import Ticket, TicketEvent
from ecity.hotline.selectors.duplicates import address_normalise, duplicate_candidates
from ecity.hotline.services import handling
from ecity.hotline.services.merging import ticket_merge
from ecity.hotline.tests import handling_support
from ecity.hotline.tests.factories import CategoryFactory, TicketFactory
from ecity.identity.tests.factories import UserFactory
from ecity.notify.models import Notification

pytestmark = pytest.mark.django_db
people = handling_support.people
Status = Ticket.Status

LAT, LON = Decimal("30.590000"), Decimal("114.300000")
# About 30 m and 200 m north of (LAT, LON).
LAT_30M, LAT_200M = Decimal("30.590270"), Decimal("30.591800")
NOISE = "江岸区某工地连续多晚22点后施工，噪音很大，影响休息。"


@pytest.fixture
def noise(people):
    return CategoryFactory(code="NOISE", name_zh="噪音扰民", department=people.water)


def _ticket(category, **values):
    values.setdefault("address", "")
    values.setdefault("citizen", UserFactory())
    return TicketFactory(category=category, **values)


def _numbers(candidates):
    return [c.ticket.number for c in candidates]


# --- candidates ------------------------------------------------------------------------------


def test_candidates_are_open_tickets_of_the_category_nearby_or_at_the_same_address(noise):
    # Given a new noise ticket at a spot and an address
    new = _ticket(noise, latitude=LAT, longitude=LON, address="解放大道1000号", description=NOISE)
    near = _ticket(noise, latitude=LAT_30M, longitude=LON, description=NOISE, handling=True)
    same_address = _ticket(noise, address=" 解放大道 1000 号", description="工地晚上施工很吵")
    # And tickets that are not candidates: far away, another category, closed, merged, too old
    far = _ticket(noise, latitude=LAT_200M, longitude=LON, description=NOISE)
    other_category = _ticket(CategoryFactory(), latitude=LAT, longitude=LON, description=NOISE)
    closed = _ticket(noise, latitude=LAT, longitude=LON, description=NOISE, closed=True)
    merged = _ticket(noise, latitude=LAT, longitude=LON, status=Status.MERGED, main_ticket=near)
    old = _ticket(
        noise,
        latitude=LAT,
        longitude=LON,
        description=NOISE,
        received_at=timezone.now() - dt.timedelta(days=31),
    )
    # When the candidates are listed
    candidates = duplicate_candidates(new)
    # Then only the near ticket and the same-address ticket are shown, the same text first
    assert _numbers(candidates) == [near.number, same_address.number]
    for excluded in (far, other_category, closed, merged, old, new):
        assert excluded.number not in _numbers(candidates)
    # And the near one carries its distance, the other its same address
    assert 20 < candidates[0].distance < 40 and candidates[0].similarity == 1.0
    assert candidates[1].same_address and candidates[1].distance is None


def test_candidates_are_ranked_by_text_similarity_then_closeness(noise):
    # Given two tickets at the same spot: one about noise, one about something else
    new = _ticket(noise, latitude=LAT, longitude=LON, description=NOISE)
    unrelated = _ticket(noise, latitude=LAT, longitude=LON, description="小区门口路灯不亮已经一周")
    similar = _ticket(noise, latitude=LAT_30M, longitude=LON, description=NOISE + "请处理")
    # When the candidates are listed
    candidates = duplicate_candidates(new)
    # Then the similar text comes first although it is farther away
    assert _numbers(candidates) == [similar.number, unrelated.number]
    assert candidates[0].score > candidates[1].score


def test_address_normalisation_ignores_spaces_punctuation_and_full_width_forms():
    # Then the same address typed differently is the same
    assert address_normalise("解放大道１０００号（东门）") == address_normalise(
        "解放大道 1000号 东门"
    )
    assert address_normalise("") == ""


def test_a_ticket_without_category_has_no_candidates(noise):
    # Given an uncategorised ticket next to an open ticket
    _ticket(noise, latitude=LAT, longitude=LON)
    new = TicketFactory(category=None, latitude=LAT, longitude=LON)
    # Then no candidate is offered
    assert duplicate_candidates(new) == []


# --- merge -----------------------------------------------------------------------------------


def test_dispatcher_merges_a_duplicate_and_its_caller_is_told_the_main_number(people, noise):
    # Given a main ticket in handling and a new duplicate from another caller
    main = _ticket(noise, handling=True)
    duplicate = _ticket(noise)
    # When the dispatcher merges the duplicate into the main ticket
    ticket_merge(actor=people.dispatcher, ticket=duplicate, main=main)
    # Then the duplicate is merged into the main ticket, the main ticket is unchanged
    duplicate.refresh_from_db()
    main.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.main_ticket == main
    assert main.status == Status.HANDLING
    # And both timelines have a MERGE step (public on the duplicate, internal on the main)
    merge_steps = TicketEvent.objects.filter(action=TicketEvent.Action.MERGE)
    assert merge_steps.get(ticket=duplicate).public is True
    assert merge_steps.get(ticket=main).public is False
    # And the merge is audited and the duplicate's caller is told the main ticket's number
    entry = AuditEntry.objects.get(action="ticket.merged", object_id=str(duplicate.public_id))
    assert entry.data["main_ticket"] == main.number
    messages = Notification.objects.filter(
        recipient=duplicate.citizen, event="ticket_merged"
    ).exclude(channel="sms")  # an SMS is cut to its length
    assert messages and all(main.number in message.body for message in messages)


def test_only_a_dispatcher_merges(people, noise):
    # Given two open tickets
    main, duplicate = _ticket(noise), _ticket(noise)
    # When an agent or a department's handler tries to merge
    for actor in (people.agent, people.handler):
        with pytest.raises(PermissionDenied):
            ticket_merge(actor=actor, ticket=duplicate, main=main)
    # Then nothing changed
    duplicate.refresh_from_db()
    assert duplicate.status == Status.RECEIVED and duplicate.main_ticket is None


def test_merge_refusals_itself_closed_merged_and_chains(people, noise):
    # Given open, closed and merged tickets
    main = _ticket(noise)
    duplicate = _ticket(noise)
    closed = _ticket(noise, closed=True)
    # Then a ticket cannot be merged into itself
    with pytest.raises(ValidationFailed) as refused:
        ticket_merge(actor=people.dispatcher, ticket=duplicate, main=duplicate)
    assert "main" in refused.value.fields
    # And neither a closed ticket nor into a closed ticket
    with pytest.raises(Conflict):
        ticket_merge(actor=people.dispatcher, ticket=closed, main=main)
    with pytest.raises(Conflict):
        ticket_merge(actor=people.dispatcher, ticket=duplicate, main=closed)
    # And nothing is merged into a merged ticket
    ticket_merge(actor=people.dispatcher, ticket=duplicate, main=main)
    third = _ticket(noise)
    with pytest.raises(ValidationFailed) as refused:
        ticket_merge(actor=people.dispatcher, ticket=third, main=duplicate)
    assert "main" in refused.value.fields
    # And a main ticket of others is not merged into another ticket (no chains)
    with pytest.raises(Conflict):
        ticket_merge(actor=people.dispatcher, ticket=main, main=third)
    main.refresh_from_db()
    assert main.status == Status.RECEIVED and main.main_ticket is None


def test_closing_the_main_ticket_closes_the_merged_ones_with_its_answer(people, noise):
    # Given a main ticket in handling with a merged duplicate
    main = _ticket(noise, handling=True)
    duplicate = _ticket(noise)
    ticket_merge(actor=people.dispatcher, ticket=duplicate, main=main)
    # When the department answers and the dispatcher approves the answer
    handling.ticket_answer(actor=people.handler, ticket=main, answer="已责令工地夜间停工。")
    handling.answer_review(actor=people.dispatcher, ticket=main, approve=True)
    # Then the duplicate is closed with the main ticket's answer and department
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED and duplicate.closed_at is not None
    assert duplicate.answer == "已责令工地夜间停工。" and duplicate.department == people.water
    assert duplicate.events.filter(action=TicketEvent.Action.CLOSE).count() == 1
    # And its caller is told the answer, and the close is audited
    messages = Notification.objects.filter(
        recipient=duplicate.citizen, event="ticket_closed"
    ).exclude(channel="sms")  # an SMS is cut to its length
    assert messages and all("已责令工地夜间停工。" in message.body for message in messages)
    assert AuditEntry.objects.filter(
        action="ticket.closed", object_id=str(duplicate.public_id)
    ).exists()


def test_a_reopened_main_ticket_closed_again_leaves_its_merged_tickets_alone(people, noise):
    # Given a main ticket closed with its merged duplicate
    main = _ticket(noise, handling=True)
    duplicate = _ticket(noise)
    ticket_merge(actor=people.dispatcher, ticket=duplicate, main=main)
    handling.ticket_answer(actor=people.handler, ticket=main, answer="已处理。")
    handling.answer_review(actor=people.dispatcher, ticket=main, approve=True)
    # When the main ticket is answered and closed again (after a reopening)
    Ticket.objects.filter(pk=main.pk).update(status=Status.HANDLING)
    handling.ticket_answer(actor=people.handler, ticket=main, answer="再次处理。")
    handling.answer_review(actor=people.dispatcher, ticket=main, approve=True)
    # Then the duplicate keeps its one close and its first answer
    duplicate.refresh_from_db()
    assert duplicate.answer == "已处理。"
    assert duplicate.events.filter(action=TicketEvent.Action.CLOSE).count() == 1


# --- the dispatcher's page -------------------------------------------------------------------


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_dispatch_page_lists_duplicates_and_merges_one(people, noise):
    # Given a new ticket next to an open ticket of the same category
    main = _ticket(noise, latitude=LAT_30M, longitude=LON, description=NOISE, handling=True)
    new = _ticket(noise, latitude=LAT, longitude=LON, description=NOISE)
    client = _signed_in(people.dispatcher)
    # When the dispatcher opens the new ticket
    page = client.get(f"/hotline/dispatch/{new.number}/")
    # Then the possible duplicate is shown with a merge button
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="duplicates-title"' in html and main.number in html
    assert f'name="main" value="{main.number}"' in html
    # When the dispatcher merges it
    response = client.post(f"/hotline/dispatch/{new.number}/merge/", {"main": main.number})
    # Then the ticket is merged and the dispatcher is back at the queue
    assert response.status_code == 302 and response["Location"].endswith("/hotline/dispatch/")
    new.refresh_from_db()
    assert new.status == Status.MERGED and new.main_ticket == main


def test_dispatch_page_shows_a_refused_merge(people, noise):
    # Given a ticket and a closed ticket
    new, closed = _ticket(noise), _ticket(noise, closed=True)
    client = _signed_in(people.dispatcher)
    # When the dispatcher tries to merge into the closed ticket
    response = client.post(f"/hotline/dispatch/{new.number}/merge/", {"main": closed.number})
    # Then they are back on the ticket's page with the reason, and nothing changed
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and closed.number in page.content.decode()
    new.refresh_from_db()
    assert new.status == Status.RECEIVED


def test_an_agent_sees_duplicates_but_cannot_merge(people, noise):
    # Given a new ticket next to an open ticket
    main = _ticket(noise, latitude=LAT, longitude=LON, description=NOISE)
    new = _ticket(noise, latitude=LAT, longitude=LON, description=NOISE)
    client = _signed_in(people.agent)
    # When an agent opens the ticket
    page = client.get(f"/hotline/dispatch/{new.number}/")
    # Then the duplicate is shown without a merge button, and a merge request is forbidden
    assert page.status_code == 200
    assert main.number in page.content.decode()
    assert 'name="main"' not in page.content.decode()
    response = client.post(f"/hotline/dispatch/{new.number}/merge/", {"main": main.number})
    assert response.status_code == 403
