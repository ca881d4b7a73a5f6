"""The demo city's participation: mailboxes with letters, surveys and consultations."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from ecity.demo.services.hotline import demo_hotline_ensure
from ecity.demo.services.participation import demo_participation_ensure
from ecity.demo.services.people import admin_ensure
from ecity.hotline.models import Ticket
from ecity.participation.models import (
    Consultation,
    ConsultationComment,
    Letter,
    Mailbox,
    QuestionKind,
    Survey,
)
from ecity.participation.selectors.mailboxes import letter_is_overdue
from ecity.participation.selectors.surveys import can_read_results, survey_get, survey_results

pytestmark = pytest.mark.django_db


@pytest.fixture
def participation_demo(demo_city, settings, tmp_path):
    # The hotline demo (without history tickets) first, as load_demo does, so that a letter
    # can be forwarded to the hotline; its classifier's model goes to this test's data dir.
    settings.DATA_DIR = tmp_path
    admin, _ = admin_ensure()
    demo_hotline_ensure(actor=admin, tickets=0)
    return demo_participation_ensure(actor=admin)


def test_demo_mailboxes_hold_letters_in_every_state(participation_demo):
    # Given the demo participation loaded
    # Then the mayor's mailbox (15 working days) and the market regulator's (10) exist
    limits = dict(Mailbox.objects.values_list("code", "reply_limit_days"))
    assert limits == {"mayor": 15, "scj": 10}
    # And their letters are in every state
    statuses = set(Letter.objects.values_list("status", flat=True))
    assert statuses == {"received", "in_progress", "replied", "closed", "forwarded_to_hotline"}
    # And the replied letters with consent are published with the writer's phone masked
    rated = Letter.objects.get(rating="satisfied")
    assert rated.is_public and "13800990001" not in rated.published_body
    assert Letter.objects.filter(is_public=True).count() == 3
    # And one letter is overdue
    assert sum(letter_is_overdue(letter) for letter in Letter.objects.all()) == 1
    # And the forwarded letter became a hotline ticket of its writer
    forwarded = Letter.objects.get(status="forwarded_to_hotline")
    ticket = Ticket.objects.get(number=forwarded.ticket_number)
    assert ticket.channel == "mailbox" and ticket.citizen == forwarded.writer


def test_demo_surveys_have_every_question_kind_and_counted_responses(participation_demo):
    # Given the demo participation loaded
    survey = survey_get(public_id=Survey.objects.get(title="政务服务满意度调查").public_id)
    # Then the open satisfaction survey asks every kind of question, one of them conditional
    assert survey.status == "open"
    assert {q.kind for q in survey.questions.all()} == set(QuestionKind.values)
    assert survey.questions.filter(condition_question__isnull=False).count() == 1
    # And its results count the 30 responses
    assert survey_results(survey=survey).responses == 30
    # And the closed survey's results are public, with its responses counted
    closed = Survey.objects.get(status="closed")
    assert can_read_results(actor=AnonymousUser(), survey=closed)
    assert survey_results(survey=survey_get(public_id=closed.public_id)).responses == 12


def test_demo_consultations_open_with_moderated_comments_and_one_summarised(participation_demo):
    # Given the demo participation loaded
    # Then the e-bike consultation is open with its draft in sections
    open_one = Consultation.objects.get(title__startswith="示范市电动自行车停放充电管理办法")
    assert open_one.status == "open" and "第十条" in open_one.draft_text
    # And its comments are published, pending and rejected
    statuses = sorted(open_one.comments.values_list("status", flat=True))
    assert statuses == ["pending", "published", "published", "published", "rejected"]
    # And the older consultation is summarised, every comment with an adoption decision
    old = Consultation.objects.get(status="summarised")
    assert old.summary and old.closes_at < open_one.opens_at
    assert set(old.comments.values_list("adoption", flat=True)) == set(
        ConsultationComment.Adoption.values
    )


def test_demo_participation_loads_again_without_duplicates(participation_demo):
    # Given the demo participation already loaded
    admin, _ = admin_ensure()
    counts = (Letter.objects.count(), Survey.objects.count(), Consultation.objects.count())
    # When it is loaded again
    again = demo_participation_ensure(actor=admin)
    # Then nothing new is created
    assert again.accounts == again.mailboxes == again.letters == 0
    assert again.surveys == again.survey_responses == again.consultations == 0
    assert (Letter.objects.count(), Survey.objects.count(), Consultation.objects.count()) == counts


def test_load_demo_adds_participation_after_the_hotline_once(settings, tmp_path):
    # Given an empty database (the classifier's model goes to this test's data dir)
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    # When the demo is loaded twice (without hotline history, to stay quick)
    call_command("load_demo", "--no-content", "--hotline-tickets", "0", stdout=out)
    call_command("load_demo", "--no-content", "--hotline-tickets", "0", stdout=out)
    # Then the first load reports the participation it made, the second adds nothing
    text = out.getvalue()
    assert "Participation: accounts 5, mailboxes 2, letters 8" in text
    assert "Participation: accounts 0, mailboxes 0, letters 0, surveys 0" in text
    # And the hotline came first: the letter for it became a ticket
    assert Letter.objects.filter(status="forwarded_to_hotline").exclude(ticket_number="").exists()
