"""The demo city's public participation: editors, mailboxes with letters, surveys, consultations.

Built through the participation services wherever one exists: letters are written, taken,
replied to, rated and forwarded to the 12345 hotline; surveys are created, filled with
questions, opened, answered and closed; consultations are created, opened, commented on,
moderated, closed, answered and summarised, each by the demo editor or citizen who would do
it. No service writes these, so they are data rows here: the two mailboxes (created when
missing, never overwritten), and the dates of the past (a letter's arrival day, the period of
the older consultation), which the services always set to "now" and the demo moves back so
that one letter is overdue and the older consultation lies in the past.

Idempotent: each part is made only when missing (mailboxes by code, letters when the mailbox
has none, surveys and consultations by title). A letter is forwarded to the hotline only when
the demo hotline (its centre) exists; otherwise it stays received.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from ecity.demo.data import participation as data
from ecity.demo.data.hotline import CENTRE_CODE
from ecity.demo.services import people
from ecity.hotline.models import TicketKind
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.participation.models import (
    Consultation,
    ConsultationComment,
    Letter,
    Mailbox,
    QuestionKind,
    Survey,
    SurveyQuestion,
)
from ecity.participation.services import consultations as consultation_services
from ecity.participation.services import mailboxes as mailbox_services
from ecity.participation.services import surveys as survey_services
from ecity.participation.services.survey_questions import QuestionData, question_add
from ecity.workflow.clocks import due_on


@dataclass
class DemoParticipation:
    """What ``demo_participation_ensure`` created (rows created now)."""

    accounts: int = 0
    mailboxes: int = 0
    letters: int = 0
    surveys: int = 0
    survey_responses: int = 0
    consultations: int = 0
    comments: int = 0


def demo_participation_ensure(*, actor: User, seed: int = 2026) -> DemoParticipation:
    """Make the demo participation if missing; ``actor`` is the platform administrator (it
    creates the accounts and roles and the mailboxes). Side effects: the services' audit
    entries and notifications. Idempotent."""
    result = DemoParticipation()
    for account in data.EDITORS:
        _, created, _granted = people.staff_ensure(actor=actor, account=account)
        result.accounts += created
    for account in data.CITIZENS:
        _, created = people.citizen_ensure(actor=actor, account=account)
        result.accounts += created
    result.mailboxes = _mailboxes_ensure()
    result.letters = _letters_ensure()
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    editor = User.objects.get(username="editor_zwb")
    zwb = Department.objects.get(code="ZWB")
    if not Survey.objects.filter(title=data.SURVEY_TITLE).exists():
        result.surveys += 1
        result.survey_responses += _satisfaction_survey(editor=editor, department=zwb, rng=rng)
    if not Survey.objects.filter(title=data.CLOSED_SURVEY_TITLE).exists():
        result.surveys += 1
        result.survey_responses += _closed_survey(editor=editor, department=zwb, rng=rng)
    if not Consultation.objects.filter(title=data.CONSULTATION_TITLE).exists():
        result.consultations += 1
        result.comments += _open_consultation(editor=editor, department=zwb)
    if not Consultation.objects.filter(title=data.OLD_CONSULTATION_TITLE).exists():
        result.consultations += 1
        result.comments += _summarised_consultation(editor=editor, department=zwb)
    return result


def _users(usernames: list[str]) -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=usernames)}


# Mailboxes and letters ---------------------------------------------------------------------


def _mailboxes_ensure() -> int:
    created_count = 0
    for box in data.MAILBOXES:
        _, created = Mailbox.objects.get_or_create(
            code=box.code,
            defaults={
                "kind": box.kind,
                "name_zh": box.name_zh,
                "name_en": box.name_en,
                "description": box.description,
                "department": Department.objects.get(code=box.department),
                "reply_limit_days": box.reply_limit_days,
            },
        )
        created_count += created
    return created_count


def _letters_ensure() -> int:
    boxes = Mailbox.objects.in_bulk([box.code for box in data.MAILBOXES], field_name="code")
    editors = {
        box.code: User.objects.get(username=f"editor_{box.department.lower()}")
        for box in data.MAILBOXES
    }
    writers = _users([letter.writer for letter in data.LETTERS])
    hotline_ready = Department.objects.filter(code=CENTRE_CODE).exists()
    created_count = 0
    for code, mailbox in boxes.items():
        if mailbox.letters.exists():
            continue
        for item in (letter for letter in data.LETTERS if letter.mailbox == code):
            _letter_make(
                item=item,
                mailbox=mailbox,
                writer=writers[item.writer],
                editor=editors[code],
                hotline_ready=hotline_ready,
            )
            created_count += 1
    return created_count


def _letter_make(
    *,
    item: data.DemoLetter,
    mailbox: Mailbox,
    writer: User,
    editor: User,
    hotline_ready: bool,
) -> Letter:
    letter = mailbox_services.letter_submit(
        writer=writer,
        mailbox=mailbox,
        subject=item.subject,
        body=item.body,
        consent_to_publish=item.consent,
    )
    if item.days_ago:
        # The service receives letters today; the demo's arrived earlier (no service for that).
        received = timezone.localdate() - dt.timedelta(days=item.days_ago)
        Letter.objects.filter(pk=letter.pk).update(
            received_on=received, due_on=due_on(received, mailbox.reply_limit_days)
        )
        letter.refresh_from_db()
    if item.outcome == "forwarded":
        if hotline_ready:
            letter = mailbox_services.letter_forward_to_hotline(
                actor=editor,
                letter=letter,
                kind=TicketKind.COMPLAINT,
                note=data.FORWARD_NOTE,
            )
        return letter
    if item.outcome == "in_progress":
        return mailbox_services.letter_take(actor=editor, letter=letter)
    if item.outcome in ("replied", "rated"):
        letter = mailbox_services.letter_take(actor=editor, letter=letter)
        letter = mailbox_services.letter_reply(actor=editor, letter=letter, reply=item.reply)
    if item.outcome == "rated":
        letter = mailbox_services.letter_rate(
            writer=writer, letter=letter, rating=item.rating, comment=item.rating_comment
        )
    return letter


# Surveys -----------------------------------------------------------------------------------


def _question(survey: Survey, editor: User, kind: str, text: str, **kwargs: Any) -> SurveyQuestion:
    return question_add(
        actor=editor, survey=survey, data=QuestionData(kind=kind, text=text, **kwargs)
    )


def _options(question: SurveyQuestion, role: str = "option") -> list[str]:
    """The public ids of ``question``'s options (or matrix rows), in order."""
    return [str(o.public_id) for o in question.options.filter(role=role).order_by("position")]


def _satisfaction_survey(*, editor: User, department: Department, rng: random.Random) -> int:
    """The open satisfaction survey: every question kind, one conditional; ~30 responses."""
    survey = survey_services.survey_create(
        actor=editor,
        department=department,
        title=data.SURVEY_TITLE,
        introduction=data.SURVEY_INTRO,
        closes_at=timezone.now() + dt.timedelta(days=30),
        is_anonymous=True,
        are_results_public=True,
    )
    kind = QuestionKind
    channel = _question(
        survey,
        editor,
        kind.SINGLE_CHOICE,
        "您最近一次通过哪个渠道办理政务服务？",
        is_required=True,
        options=data.CHANNELS,
    )
    overall = _question(
        survey,
        editor,
        kind.SINGLE_CHOICE,
        "您对最近一次办事的总体满意度如何？",
        is_required=True,
        options=data.SATISFACTION,
    )
    unhappy = list(overall.options.filter(text__in=data.SATISFACTION[2:]))
    reason = _question(
        survey,
        editor,
        kind.LONG_TEXT,
        "请告诉我们您不满意的原因",
        help_text="选择“一般”或“不满意”时填写。",
        is_required=True,
        condition_question=overall,
        condition_options=unhappy,
    )
    improve = _question(
        survey,
        editor,
        kind.MULTIPLE_CHOICE,
        "您认为哪些方面最需要改进？（最多选三项）",
        options=data.IMPROVEMENTS,
        min_choices=1,
        max_choices=3,
    )
    item = _question(survey, editor, kind.SHORT_TEXT, "您办理的事项名称")
    trips = _question(
        survey,
        editor,
        kind.NUMBER,
        "办成这件事，您一共跑了几次？",
        is_required=True,
        min_value=0,
        max_value=20,
    )
    recommend = _question(
        survey,
        editor,
        kind.RATING_SCALE,
        "您向亲友推荐本市政务服务的可能性有多大？",
        scale_max=10,
        scale_min_label="完全不可能",
        scale_max_label="非常可能",
    )
    matrix = _question(
        survey,
        editor,
        kind.MATRIX,
        "请对以下方面作出评价",
        options=data.MATRIX_COLUMNS,
        rows=data.MATRIX_ROWS,
    )
    ranking = _question(
        survey,
        editor,
        kind.RANKING,
        "请将以下改革方向按您认为的重要性排序（第一位最重要）",
        options=data.RANKING,
    )
    _question(
        survey,
        editor,
        kind.FILE_UPLOAD,
        "如有办事过程中的照片或材料，可以上传（可选）",
        max_file_mb=5,
    )
    survey = survey_services.survey_open(actor=editor, survey=survey)
    ids = {q.pk: _options(q) for q in (channel, overall, improve, matrix, ranking)}
    rows = _options(matrix, role="row")
    for _ in range(data.SURVEY_RESPONSES):
        # Mostly satisfied: weights of 非常满意, 满意, 一般, 不满意.
        mood = rng.choices(range(4), weights=[35, 40, 17, 8])[0]
        raw: dict[str, Any] = {
            channel.field_name: rng.choice(ids[channel.pk]),
            overall.field_name: ids[overall.pk][mood],
            improve.field_name: rng.sample(ids[improve.pk], rng.randint(1, 3)),
            trips.field_name: str(1 if mood < 2 else rng.randint(2, 4)),
            recommend.field_name: str(max(1, min(10, 10 - 2 * mood - rng.randint(0, 2)))),
            matrix.field_name: {
                row: ids[matrix.pk][min(2, max(0, mood - rng.randint(0, 1)))] for row in rows
            },
            ranking.field_name: rng.sample(ids[ranking.pk], len(ids[ranking.pk])),
        }
        if mood >= 2:
            raw[reason.field_name] = rng.choice(data.REASONS)
        if rng.random() < 0.6:
            raw[item.field_name] = rng.choice(data.ITEMS)
        _anonymous_answer(survey=survey, raw=raw, rng=rng)
    return data.SURVEY_RESPONSES


def _anonymous_answer(*, survey: Survey, raw: dict[str, Any], rng: random.Random) -> None:
    """One resident's anonymous answer, from their own browser (a device token of its own, as
    the survey page's cookie gives each browser, so one answer per person holds)."""
    device = f"demo-{rng.getrandbits(64):016x}"
    survey_services.response_submit(
        actor=AnonymousUser(), survey=survey, raw=raw, device_token=device
    )


def _closed_survey(*, editor: User, department: Department, rng: random.Random) -> int:
    """A closed survey with public results (answered before it closed)."""
    survey = survey_services.survey_create(
        actor=editor,
        department=department,
        title=data.CLOSED_SURVEY_TITLE,
        introduction=data.CLOSED_SURVEY_INTRO,
        is_anonymous=True,
        are_results_public=True,
    )
    used = _question(
        survey,
        editor,
        QuestionKind.MULTIPLE_CHOICE,
        "您在市民中心使用过哪些便民设施？",
        is_required=True,
        options=data.FACILITIES,
    )
    wanted = _question(
        survey,
        editor,
        QuestionKind.SINGLE_CHOICE,
        "您最希望增加哪项设施？",
        options=["充电宝租借", "自助证照打印", "儿童游乐区", "便民药箱"],
    )
    score = _question(
        survey,
        editor,
        QuestionKind.RATING_SCALE,
        "您对便民设施的总体评价",
        is_required=True,
        scale_max=5,
        scale_min_label="很差",
        scale_max_label="很好",
    )
    survey = survey_services.survey_open(actor=editor, survey=survey)
    used_ids, wanted_ids = _options(used), _options(wanted)
    for _ in range(data.CLOSED_SURVEY_RESPONSES):
        raw = {
            used.field_name: rng.sample(used_ids, rng.randint(1, 3)),
            wanted.field_name: rng.choice(wanted_ids),
            score.field_name: str(rng.choices([3, 4, 5], weights=[2, 5, 4])[0]),
        }
        _anonymous_answer(survey=survey, raw=raw, rng=rng)
    survey_services.survey_close(actor=editor, survey=survey)
    return data.CLOSED_SURVEY_RESPONSES


# Consultations -----------------------------------------------------------------------------


def _consultation(
    *, editor: User, department: Department, title: str, intro: str, draft: str, days: int
) -> Consultation:
    now = timezone.now()
    consultation = consultation_services.consultation_create(
        actor=editor,
        department=department,
        data=consultation_services.ConsultationInput(
            title=title,
            introduction=intro,
            draft_text=draft,
            opens_at=now - dt.timedelta(days=days),
            closes_at=now + dt.timedelta(days=30 - days),
        ),
    )
    return consultation_services.consultation_open(actor=editor, consultation=consultation)


def _open_consultation(*, editor: User, department: Department) -> int:
    """The open consultation with published, pending and rejected comments."""
    consultation = _consultation(
        editor=editor,
        department=department,
        title=data.CONSULTATION_TITLE,
        intro=data.CONSULTATION_INTRO,
        draft=data.CONSULTATION_DRAFT,
        days=10,
    )
    authors = _users([c[0] for c in data.CONSULTATION_COMMENTS])
    for username, section, body, moderation, reason in data.CONSULTATION_COMMENTS:
        comment = consultation_services.comment_submit(
            author=authors[username], consultation=consultation, body=body, section=section
        )
        if moderation != "pending":
            consultation_services.comment_moderate(
                actor=editor, comment=comment, publish=moderation == "published", reason=reason
            )
    return len(data.CONSULTATION_COMMENTS)


def _summarised_consultation(*, editor: User, department: Department) -> int:
    """The older consultation: commented on, closed, every comment answered, summarised."""
    consultation = _consultation(
        editor=editor,
        department=department,
        title=data.OLD_CONSULTATION_TITLE,
        intro=data.OLD_CONSULTATION_INTRO,
        draft=data.OLD_CONSULTATION_DRAFT,
        days=29,
    )
    authors = _users([c[0] for c in data.OLD_CONSULTATION_COMMENTS])
    comments: list[tuple[ConsultationComment, str, str]] = []
    for username, section, body, adoption, reason in data.OLD_CONSULTATION_COMMENTS:
        comment = consultation_services.comment_submit(
            author=authors[username], consultation=consultation, body=body, section=section
        )
        comment = consultation_services.comment_moderate(
            actor=editor, comment=comment, publish=True
        )
        comments.append((comment, adoption, reason))
    consultation = consultation_services.consultation_close(actor=editor, consultation=consultation)
    for comment, adoption, reason in comments:
        consultation_services.comment_adoption_set(
            actor=editor, comment=comment, adoption=adoption, reason=reason
        )
    consultation_services.consultation_summarise(
        actor=editor, consultation=consultation, summary=data.OLD_CONSULTATION_SUMMARY
    )
    # The services act now; the older consultation ran months ago (no service moves dates).
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=now - dt.timedelta(days=120),
        closes_at=now - dt.timedelta(days=90),
        summarised_at=now - dt.timedelta(days=75),
    )
    return len(comments)
