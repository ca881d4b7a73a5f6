"""Published tickets (工单公开): who publishes what, and the public list and page without the
caller's personal data."""

import pytest
from django.test import Client

from ecity.audit.models import AuditEntry
from ecity.core.errors import Conflict, PermissionDenied
from ecity.core.masking import mask_text
from ecity.hotline.models import Ticket
from ecity.hotline.services.publication import ticket_publish, ticket_unpublish
from ecity.hotline.tests import handling_support
from ecity.hotline.tests.factories import CategoryFactory, TicketFactory
from ecity.identity.tests.factories import RegionFactory

pytestmark = pytest.mark.django_db
people = handling_support.people

REQUEST = (
    "我是张三，家住解放大道1000号3栋，电话13912345678，身份证420102199001011234。"
    "楼下水管爆裂，小区停水两天。"
)


@pytest.fixture
def water_category(people):
    return CategoryFactory(code="WATER", name_zh="供水", department=people.water)


def _closed(category, **values):
    values.setdefault("public_consent", True)
    return TicketFactory(
        category=category,
        closed=True,
        caller_name="张三",
        caller_phone="13912345678",
        address="解放大道1000号3栋",
        region=RegionFactory(name_zh="大智街道"),
        title="小区停水",
        description=REQUEST,
        answer="已联系张三，水管已于当天修复，13912345678回访满意。",
        **values,
    )


def _published(category, **values):
    ticket = _closed(category, **values)
    Ticket.objects.filter(pk=ticket.pk).update(is_public=True)
    ticket.refresh_from_db()
    return ticket


# --- masking ----------------------------------------------------------------------------------


def test_mask_text_masks_numbers_names_and_places():
    # When a text with a phone, an ID number, a name and an address is masked
    text = mask_text(REQUEST, names=["张三"], places=["解放大道1000号3栋"])
    # Then none of them is left, and the rest of the text is
    for personal in ("13912345678", "420102199001011234", "张三", "解放大道1000号3栋"):
        assert personal not in text
    assert "139****5678" in text and "4201**********1234" in text and "张*" in text
    assert "小区停水两天" in text
    # And longer digit runs (an order number) are not taken for phone numbers
    assert mask_text("订单号1391234567890") == "订单号1391234567890"


# --- publish and unpublish --------------------------------------------------------------------


def test_dispatcher_publishes_a_closed_ticket_with_consent(people, water_category):
    # Given a closed ticket whose caller agreed to publication
    ticket = _closed(water_category)
    # When the dispatcher publishes it
    ticket_publish(actor=people.dispatcher, ticket=ticket)
    # Then it is public and the act is audited
    ticket.refresh_from_db()
    assert ticket.is_public is True
    assert AuditEntry.objects.filter(
        action="ticket.published", object_id=str(ticket.public_id)
    ).exists()


def test_publishing_without_consent_is_refused(people, water_category):
    # Given a closed ticket whose caller did not agree
    ticket = _closed(water_category, public_consent=False)
    # When the dispatcher tries to publish it
    with pytest.raises(Conflict):
        ticket_publish(actor=people.dispatcher, ticket=ticket)
    # Then it stays private
    ticket.refresh_from_db()
    assert ticket.is_public is False


def test_only_closed_tickets_are_published_and_only_by_a_dispatcher(people, water_category):
    # Given an open ticket with consent and a closed one
    open_ticket = TicketFactory(category=water_category, handling=True, public_consent=True)
    closed = _closed(water_category)
    # Then the open ticket is refused, and agents and handlers may not publish
    with pytest.raises(Conflict):
        ticket_publish(actor=people.dispatcher, ticket=open_ticket)
    for actor in (people.agent, people.handler):
        with pytest.raises(PermissionDenied):
            ticket_publish(actor=actor, ticket=closed)
    closed.refresh_from_db()
    assert closed.is_public is False


def test_dispatcher_withdraws_a_published_ticket(people, water_category):
    # Given a published ticket
    ticket = _published(water_category)
    # When the dispatcher withdraws it
    ticket_unpublish(actor=people.dispatcher, ticket=ticket, reason="内容涉及隐私")
    # Then it is private again, audited with the reason, and gone from the public page
    ticket.refresh_from_db()
    assert ticket.is_public is False
    entry = AuditEntry.objects.get(action="ticket.unpublished", object_id=str(ticket.public_id))
    assert entry.reason == "内容涉及隐私"
    assert Client().get(f"/hotline/public/{ticket.public_id}/").status_code == 404


# --- the public pages -------------------------------------------------------------------------


def test_public_page_shows_the_masked_request_and_answer_never_the_caller(water_category):
    # Given a published ticket
    ticket = _published(water_category)
    # When anyone opens its public page
    page = Client().get(f"/hotline/public/{ticket.public_id}/")
    # Then the kind, category, region, department, request and answer are shown
    assert page.status_code == 200
    html = page.content.decode()
    for shown in ("供水", "大智街道", "市水务局", "小区停水两天", "水管已于当天修复"):
        assert shown in html
    # And neither the caller's name and phone, nor ID numbers, nor the address
    for hidden in ("张三", "13912345678", "420102199001011234", "解放大道1000号3栋"):
        assert hidden not in html
    assert ticket.number not in html and ticket.query_code not in html


def test_unpublished_and_reopened_tickets_are_not_public(people, water_category):
    # Given a closed ticket not published and a published ticket reopened
    private = _closed(water_category)
    reopened = _published(water_category)
    Ticket.objects.filter(pk=reopened.pk).update(status=Ticket.Status.HANDLING)
    # Then neither has a public page nor is listed
    client = Client()
    for ticket in (private, reopened):
        assert client.get(f"/hotline/public/{ticket.public_id}/").status_code == 404
    page = client.get("/hotline/public/")
    assert page.status_code == 200
    assert str(private.public_id) not in page.content.decode()
    assert str(reopened.public_id) not in page.content.decode()


def test_public_list_searches_words_and_filters_by_category(people, water_category):
    # Given published tickets of two categories
    water = _published(water_category)
    roads_category = CategoryFactory(code="ROADS", name_zh="道路", department=people.roads)
    road = _published(roads_category, public_consent=True)
    Ticket.objects.filter(pk=road.pk).update(title="路面塌陷", description="人行道路面塌陷。")
    client = Client()
    # When anyone searches for a word of the water ticket
    page = client.get("/hotline/public/", {"q": "停水"})
    # Then only the water ticket is listed
    assert page.status_code == 200
    html = page.content.decode()
    assert str(water.public_id) in html and str(road.public_id) not in html
    # And the category filter keeps only that category's tickets
    page = client.get("/hotline/public/", {"category": "ROADS"})
    html = page.content.decode()
    assert str(road.public_id) in html and str(water.public_id) not in html


def test_searching_for_the_callers_phone_or_name_finds_nothing(water_category):
    # Given a published ticket whose texts hold the caller's phone number and name
    ticket = _published(water_category)
    client = Client()
    # When someone searches for them
    for query in ("13912345678", "张三"):
        page = client.get("/hotline/public/", {"q": query})
        # Then the ticket is not found (the search reads the masked texts)
        assert page.status_code == 200
        assert str(ticket.public_id) not in page.content.decode()


def test_dispatcher_publishes_from_the_publication_page(people, water_category):
    # Given a closed ticket with consent
    ticket = _closed(water_category)
    client = Client()
    client.force_login(people.dispatcher)
    # When the dispatcher opens the publication page
    page = client.get(f"/hotline/publication/{ticket.number}/")
    # Then the public preview is masked and a publish button is offered
    assert page.status_code == 200
    html = page.content.decode()
    assert "13912345678" not in html and "小区停水两天" in html
    assert 'value="publish"' in html
    # When they publish it
    response = client.post(f"/hotline/publication/{ticket.number}/", {"action": "publish"})
    # Then the ticket is public
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.is_public is True


def test_publication_page_refuses_without_consent_and_others_are_forbidden(people, water_category):
    # Given a closed ticket without consent
    ticket = _closed(water_category, public_consent=False)
    client = Client()
    client.force_login(people.dispatcher)
    # When the dispatcher posts a publish anyway
    page = client.post(f"/hotline/publication/{ticket.number}/", {"action": "publish"})
    # Then the page shows the refusal and the ticket stays private
    assert page.status_code == 200
    assert 'class="error-summary"' in page.content.decode()
    ticket.refresh_from_db()
    assert ticket.is_public is False
    # And a department's handler may not open the page
    client.force_login(people.handler)
    assert client.get(f"/hotline/publication/{ticket.number}/").status_code == 403


# --- the link from the supervision ticket page --------------------------------------------------


def _supervision_page(user, ticket):
    client = Client()
    client.force_login(user)
    page = client.get(f"/hotline/supervision/{ticket.number}/")
    assert page.status_code == 200
    return page.content.decode()


def test_supervision_page_links_to_publishing_a_closed_ticket_with_consent(people, water_category):
    ticket = _closed(water_category)
    html = _supervision_page(people.dispatcher, ticket)
    assert f'href="/hotline/publication/{ticket.number}/"' in html
    assert "预览并公开" in html


def test_no_publish_link_without_consent_while_open_or_for_agents(people, water_category):
    private = _closed(water_category, public_consent=False)
    still_open = TicketFactory(category=water_category, handling=True, public_consent=True)
    closed = _closed(water_category)
    for user, ticket in (
        (people.dispatcher, private),
        (people.dispatcher, still_open),
        (people.agent, closed),
    ):
        assert "/hotline/publication/" not in _supervision_page(user, ticket)


def test_a_published_ticket_links_to_its_publication_to_withdraw_it(people, water_category):
    ticket = _published(water_category)
    html = _supervision_page(people.dispatcher, ticket)
    assert f'href="/hotline/publication/{ticket.number}/"' in html
    assert "预览并公开" not in html
