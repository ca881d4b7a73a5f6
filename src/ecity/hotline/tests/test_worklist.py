"""The department worklist, the supervision lists, the deadline job and the pages."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ecity.hotline.jobs import refresh_ticket_deadlines
from ecity.hotline.models import Ticket
from ecity.hotline.selectors.worklist import supervision_tickets, worklist_tickets
from ecity.hotline.services import handling
from ecity.hotline.tests import handling_support
from ecity.hotline.tests.handling_support import water_ticket

pytestmark = pytest.mark.django_db
people = handling_support.people


def test_deadline_job_marks_due_soon_and_overdue(people):
    # Given tickets in handling due in 2 days, in 3 hours and 1 hour ago, and one not yet signed
    # whose sign-for limit passed
    now = timezone.now()
    later = water_ticket(people, handling=True, due_at=now + dt.timedelta(days=2))
    soon = water_ticket(people, handling=True, due_at=now + dt.timedelta(hours=3))
    late = water_ticket(people, handling=True, due_at=now - dt.timedelta(hours=1))
    unsigned = water_ticket(people, dispatched=True, sign_due_at=now - dt.timedelta(minutes=5))
    # When the periodic job runs
    report = refresh_ticket_deadlines()
    # Then each has its state, and the lists show them
    states = {t.pk: t.deadline_state for t in Ticket.objects.all()}
    assert states == {
        later.pk: "normal",
        soon.pk: "due_soon",
        late.pk: "overdue",
        unsigned.pk: "overdue",
    }
    assert report == "3 tickets changed"
    assert list(worklist_tickets(actor=people.handler, view="overdue")) == [late, unsigned]
    assert list(supervision_tickets(actor=people.dispatcher, view="due_soon")) == [soon]
    # And the supervisor of water sees water's overdue tickets, not the review list
    assert set(supervision_tickets(actor=people.supervisor, view="overdue")) == {late, unsigned}
    assert not supervision_tickets(actor=people.supervisor, view="to_review").exists()


def test_worklist_shows_only_the_departments_tickets(people):
    mine = water_ticket(people, dispatched=True)
    water_ticket(people, dispatched=True, department=people.roads)
    assert list(worklist_tickets(actor=people.handler, view="to_sign")) == [mine]
    assert not worklist_tickets(actor=people.citizen, view="to_sign").exists()


def test_handler_signs_on_the_ticket_page_and_cannot_see_a_confidential_caller(client, people):
    # Given a confidential caller's ticket dispatched to water
    ticket = water_ticket(people, dispatched=True, confidential=True, caller_name="保密来电人")
    client.force_login(people.handler)
    url = reverse("hotline:work_ticket", kwargs={"number": ticket.number})
    # When the handler opens it, then the caller is hidden
    page = client.get(url)
    assert page.status_code == 200
    assert "保密来电人" not in page.content.decode() and "13800138000" not in page.content.decode()
    # When the handler signs for it on the page
    response = client.post(url, {"action": "sign"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.HANDLING


def test_return_form_redisplays_with_a_field_error(client, people):
    ticket = water_ticket(people, handling=True)
    client.force_login(people.handler)
    url = reverse("hotline:work_ticket", kwargs={"number": ticket.number})
    response = client.post(url, {"action": "return", "return-reason": ""})
    assert response.status_code == 400
    assert "请填写原因。" in response.content.decode()  # "Give the reason." in zh-Hans
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.HANDLING


def test_after_returning_a_ticket_the_handler_lands_on_the_worklist(client, people):
    # Given a ticket in handling at the water department
    ticket = water_ticket(people, handling=True)
    client.force_login(people.handler)
    url = reverse("hotline:work_ticket", kwargs={"number": ticket.number})
    # When the handler returns it with a reason and follows the redirect
    response = client.post(
        url, {"action": "return", "return-reason": "不属本单位职责"}, follow=True
    )
    # Then they see their worklist with the confirmation (the ticket is no longer theirs)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("hotline:work")
    assert "工单已退回派单员。" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RETURNED


def test_another_departments_ticket_is_not_found(client, people):
    ticket = water_ticket(people, dispatched=True)
    client.force_login(people.roads_handler)
    url = reverse("hotline:work_ticket", kwargs={"number": ticket.number})
    assert client.get(url).status_code == 404


def test_dispatcher_approves_an_answer_on_the_supervision_page(client, people):
    ticket = water_ticket(people, handling=True)
    handling.ticket_answer(actor=people.handler, ticket=ticket, answer="已处理")
    client.force_login(people.dispatcher)
    index = client.get(reverse("hotline:supervision"))
    assert index.status_code == 200 and ticket.number in index.content.decode()
    url = reverse("hotline:supervision_ticket", kwargs={"number": ticket.number})
    response = client.post(url, {"action": "review", "review-decision": "approve"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    tasks = client.get(reverse("hotline:callback_tasks"))
    assert tasks.status_code == 200 and ticket.number in tasks.content.decode()


def test_citizen_rates_with_the_query_code_on_the_web(client, people):
    ticket = water_ticket(people, closed=True, citizen=None)
    url = reverse("hotline:rate", kwargs={"number": ticket.number})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "query_code": ticket.query_code,
            "is_solved": "yes",
            "satisfaction": "satisfied",
            "comment": "",
        },
    )
    assert response.status_code == 302
    assert ticket.callbacks.get().satisfaction == "satisfied"


def test_the_hotline_centre_page_leads_to_dispatch_callbacks_statistics_and_knowledge(
    client, people
):
    # Given a dispatcher of the hotline centre, when they open the supervision page
    client.force_login(people.dispatcher)
    page = client.get(reverse("hotline:supervision")).content.decode()
    # then every page of their work is one click away, the statistics included
    for name in (
        "hotline:dispatch",
        "hotline:callback_tasks",
        "hotline:hotspots",
        "hotline:measures",
        "hotline:knowledge_staff_list",
    ):
        assert f'href="{reverse(name)}"' in page
    assert client.get(reverse("hotline:hotspots")).status_code == 200


def test_the_ticket_page_in_english_names_the_departments_in_english(client, people):
    from django.utils import translation

    # Given a ticket dispatched to the water department (市水务局, "Test Bureau …" in English)
    ticket = water_ticket(people, handling=True)
    client.force_login(people.handler)
    # When its handler reads the ticket page and the worklist in English
    with translation.override("en"):
        page = client.get(reverse("hotline:work_ticket", kwargs={"number": ticket.number}))
        worklist = client.get(reverse("hotline:work") + "?view=handling")
    # Then the department is named in English, not in Chinese
    assert page.status_code == 200 and worklist.status_code == 200
    for response in (page, worklist):
        text = response.content.decode()
        assert people.water.name_en in text
        assert "市水务局" not in text
