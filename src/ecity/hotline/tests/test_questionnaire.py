"""The callback questionnaire by SMS (短信回访): sent when a ticket closes, answered on a page
without sign-in through a signed link that expires and answers once; 不满意 reopens the ticket
as a phone callback does; unanswered, it falls back to a phone callback task."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ecity.hotline.models import Callback, CallbackQuestionnaire, Ticket
from ecity.hotline.selectors.worklist import callback_tasks
from ecity.hotline.services import callbacks, handling
from ecity.hotline.services.questionnaires import questionnaire_link_path
from ecity.hotline.tests import handling_support
from ecity.hotline.tests.handling_support import water_ticket
from ecity.notify.models import Notification

pytestmark = pytest.mark.django_db
people = handling_support.people
Status = Ticket.Status


def _close(people, ticket):
    handling.ticket_sign(actor=people.handler, ticket=ticket)
    handling.ticket_answer(actor=people.handler, ticket=ticket, answer="已协调施工方停止夜间施工")
    handling.answer_review(actor=people.dispatcher, ticket=ticket, approve=True)
    ticket.refresh_from_db()
    return ticket


def _link(ticket) -> str:
    return questionnaire_link_path(ticket.questionnaires.get(cycle=ticket.reopen_count))


def _answer(client, link, *, solved="yes", satisfaction="satisfied", comment=""):
    return client.post(
        link, {"is_solved": solved, "satisfaction": satisfaction, "comment": comment}
    )


def test_closing_sends_the_questionnaire_link_by_sms(people):
    # Given an anonymous caller who left a mobile number
    ticket = water_ticket(people, dispatched=True, citizen=None, caller_phone="139 0013 9000")
    # When the hotline centre closes the ticket
    ticket = _close(people, ticket)
    # Then one questionnaire of this closing exists, valid for 7 days, and an SMS carries its link
    questionnaire = CallbackQuestionnaire.objects.get(ticket=ticket)
    assert questionnaire.cycle == 0 and questionnaire.answered_at is None
    assert questionnaire.expires_at - timezone.now() > dt.timedelta(days=6, hours=23)
    sms = Notification.objects.get(event="ticket_callback_questionnaire", channel="sms")
    assert sms.to_address == "13900139000"
    assert _link(ticket) in sms.body
    # And the agents see the ticket among their callbacks, awaiting the questionnaire
    assert ticket in callback_tasks(actor=people.agent, view="awaiting_questionnaire")
    assert ticket not in callback_tasks(actor=people.agent, view="to_call")


def test_no_questionnaire_without_a_mobile_number(people):
    citizen = people.citizen
    citizen.phone = ""
    citizen.save(update_fields=["phone"])
    ticket = _close(people, water_ticket(people, dispatched=True, caller_phone="027-85551234"))
    assert not CallbackQuestionnaire.objects.filter(ticket=ticket).exists()
    assert ticket in callback_tasks(actor=people.agent, view="to_call")


def test_dissatisfied_answer_reopens_like_a_phone_callback(client, people):
    ticket = _close(people, water_ticket(people, dispatched=True))
    link = _link(ticket)
    # When the citizen opens the link (no sign-in) and answers 不满意
    page = client.get(link)
    assert page.status_code == 200 and "是否已解决" in page.content.decode()
    response = _answer(client, link, satisfaction="dissatisfied", comment="夜里还在施工")
    # Then the callback is recorded as an SMS questionnaire and the ticket is handled again
    assert response.status_code == 200
    assert "重新办理" in response.content.decode()
    callback = Callback.objects.get(ticket=ticket)
    assert callback.method == "sms_web" and callback.agent is None and callback.led_to_reopen
    ticket.refresh_from_db()
    assert ticket.status == Status.HANDLING and ticket.reopen_count == 1
    assert ticket.department == people.water
    for user in (people.dispatcher, people.handler):
        assert Notification.objects.filter(recipient=user, event="ticket_reopened").exists()
    assert ticket.questionnaires.get().answered_at is not None


def test_satisfied_answer_ends_the_callback_task(client, people):
    ticket = _close(people, water_ticket(people, dispatched=True))
    response = _answer(client, _link(ticket), satisfaction="fairly_satisfied")
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.callbacks.get().satisfaction == "fairly_satisfied"
    assert ticket not in callback_tasks(actor=people.agent)


def test_a_used_link_is_refused_with_a_clear_page(client, people):
    ticket = _close(people, water_ticket(people, dispatched=True))
    link = _link(ticket)
    _answer(client, link)
    again = _answer(client, link, satisfaction="dissatisfied")
    assert again.status_code == 410
    assert "已经回答过" in again.content.decode()
    assert client.get(link).status_code == 410
    assert ticket.callbacks.count() == 1


def test_a_forged_link_is_refused_with_a_clear_page(client, people):
    ticket = _close(people, water_ticket(people, dispatched=True))
    link = _link(ticket)
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged_signature = token[:-1] + ("A" if token[-1] != "A" else "B")
    guessed = "x" * len(token)
    for bad in (forged_signature, guessed, token[:12]):
        response = _answer(client, reverse("hotline:questionnaire", args=[bad]))
        assert response.status_code == 404
        assert "回访问卷链接无效" in response.content.decode()
    assert not ticket.callbacks.exists()


def test_an_expired_link_is_refused_and_falls_back_to_a_phone_callback(client, people):
    ticket = _close(people, water_ticket(people, dispatched=True))
    link = _link(ticket)
    # Given the questionnaire's answer time has passed unanswered
    CallbackQuestionnaire.objects.filter(ticket=ticket).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    # Then the link says so, and the ticket is a phone callback task
    response = _answer(client, link)
    assert response.status_code == 410
    assert "过期" in response.content.decode() and "电话回访" in response.content.decode()
    assert not ticket.callbacks.exists()
    assert ticket in callback_tasks(actor=people.agent, view="to_call")
    assert ticket not in callback_tasks(actor=people.agent, view="awaiting_questionnaire")
    # And the agent records the phone callback as before
    callbacks.callback_record(
        actor=people.agent, ticket=ticket, method="phone", is_solved=True, satisfaction="satisfied"
    )
    assert ticket not in callback_tasks(actor=people.agent)


def test_answer_on_a_ticket_open_again_is_refused(client, people):
    ticket = _close(people, water_ticket(people, dispatched=True))
    link = _link(ticket)
    # Given the dispatcher reopened the ticket before the citizen answered
    callbacks.ticket_reopen(actor=people.dispatcher, ticket=ticket, reason="市民再次来电投诉")
    # Then the questionnaire of the earlier closing cannot be answered
    response = _answer(client, link, satisfaction="dissatisfied")
    assert response.status_code == 410
    assert "正在重新办理" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.reopen_count == 1 and not ticket.callbacks.exists()


def test_a_phone_callback_first_uses_up_the_link(client, people):
    ticket = _close(people, water_ticket(people, dispatched=True))
    link = _link(ticket)
    callbacks.callback_record(
        actor=people.agent, ticket=ticket, method="phone", is_solved=True, satisfaction="satisfied"
    )
    response = _answer(client, link, satisfaction="dissatisfied")
    assert response.status_code == 410
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.callbacks.count() == 1


def test_the_questionnaire_needs_its_answers(client, people):
    ticket = _close(people, water_ticket(people, dispatched=True))
    response = client.post(_link(ticket), {"comment": "好"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"is_solved", "satisfaction"}
    assert not ticket.callbacks.exists()


def test_callback_task_page_shows_how_each_ticket_is_called_back(client, people):
    waiting = _close(people, water_ticket(people, dispatched=True))
    client.force_login(people.agent)
    page = client.get(reverse("hotline:callback_tasks") + "?view=awaiting_questionnaire")
    assert page.status_code == 200
    assert waiting.number in page.content.decode()
    to_call = client.get(reverse("hotline:callback_tasks") + "?view=to_call")
    assert to_call.status_code == 200 and waiting.number not in to_call.content.decode()
