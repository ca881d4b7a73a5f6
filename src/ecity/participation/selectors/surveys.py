"""Reads of surveys: who may do what, the public and staff lists, and the results arithmetic."""

from __future__ import annotations

import decimal
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from ecity.core.accounts import Account
from ecity.core.errors import NotFound
from ecity.org import selectors as org_selectors
from ecity.org.models import Department, StaffRole
from ecity.participation.models import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
)

#: Roles that create, edit, open and close a department's surveys and see respondents' names.
MANAGING_ROLES = (StaffRole.Role.PARTICIPATION_EDITOR, StaffRole.Role.DEPARTMENT_ADMIN)
#: Roles that may also read a department's results (without respondents' names).
RESULT_READING_ROLES = (*MANAGING_ROLES, StaffRole.Role.SUPERVISOR)
TEXT_SAMPLE = 50


def can_manage_survey(*, actor: Account, department: Department) -> bool:
    """Whether ``actor`` edits, opens, closes surveys of ``department`` and sees names."""
    return any(
        org_selectors.user_has_role(user=actor, role=role, department=department)
        for role in MANAGING_ROLES
    )


def can_read_results(*, actor: Account, survey: Survey) -> bool:
    """Whether ``actor`` may see ``survey``'s results: its department's staff at any time, and
    everyone once a survey with public results is closed."""
    if survey.are_results_public and survey.status == Survey.Status.CLOSED:
        return True
    return any(
        org_selectors.user_has_role(user=actor, role=role, department=survey.department)
        for role in RESULT_READING_ROLES
    )


def is_accepting(*, survey: Survey) -> bool:
    """Whether ``survey`` takes responses now (open, and within its dates)."""
    now = timezone.now()
    return (
        survey.status == Survey.Status.OPEN
        and (survey.opens_at is None or survey.opens_at <= now)
        and (survey.closes_at is None or now < survey.closes_at)
    )


def _with_questions(queryset: QuerySet[Survey]) -> QuerySet[Survey]:
    return queryset.select_related("department").prefetch_related(
        Prefetch(
            "questions",
            queryset=SurveyQuestion.objects.select_related("condition_question").prefetch_related(
                "options", "condition_options"
            ),
        )
    )


def survey_list_public() -> QuerySet[Survey]:
    """List the surveys open now, then the closed ones whose results are public."""
    now = timezone.now()
    open_now = (
        Q(status=Survey.Status.OPEN)
        & (Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        & (Q(closes_at__isnull=True) | Q(closes_at__gt=now))
    )
    closed_public = Q(status=Survey.Status.CLOSED, are_results_public=True)
    return Survey.objects.filter(open_now | closed_public).select_related("department")


def survey_list_open() -> QuerySet[Survey]:
    """List the surveys that take responses now (for the API), with their questions."""
    now = timezone.now()
    return _with_questions(
        Survey.objects.filter(status=Survey.Status.OPEN)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
    )


def survey_list_for_staff(*, actor: Account) -> QuerySet[Survey]:
    """List the surveys of the departments where ``actor`` manages or reads surveys."""
    department_ids: set[int] = set()
    for role in RESULT_READING_ROLES:
        department_ids |= set(
            org_selectors.departments_where(user=actor, role=role).values_list("id", flat=True)
        )
    return (
        Survey.objects.filter(department_id__in=department_ids)
        .select_related("department")
        .annotate(response_count=Count("responses"))
    )


def survey_get(*, public_id: uuid.UUID | str) -> Survey:
    """Get a survey with its questions and options; raise ``NotFound``."""
    try:
        return _with_questions(Survey.objects.all()).get(public_id=public_id)
    except (Survey.DoesNotExist, ValueError) as error:
        raise NotFound() from error


def survey_get_public(*, public_id: uuid.UUID | str) -> Survey:
    """Get a survey the public may see (not a draft); raise ``NotFound``."""
    survey = survey_get(public_id=public_id)
    if survey.status == Survey.Status.DRAFT:
        raise NotFound()
    return survey


def questions_of(survey: Survey) -> list[SurveyQuestion]:
    """The survey's questions in order (prefetched when the survey came from ``survey_get``)."""
    return sorted(survey.questions.all(), key=lambda q: q.position)


def takes_one_answer_per_person(*, survey: Survey) -> bool:
    """Whether ``survey`` refuses a second answer (real-name surveys always do)."""
    return not survey.is_anonymous or survey.is_one_answer_per_person


def _keyed(survey: Survey, kind: str, value: str) -> str:
    # Per survey and per kind, so keys of two surveys cannot be linked to one another.
    return salted_hmac(
        "ecity.participation.survey_once", f"{survey.public_id}:{kind}:{value}", algorithm="sha256"
    ).hexdigest()


def anonymous_keys(*, survey: Survey, actor: Account | None, device_token: str) -> tuple[str, str]:
    """The keys an anonymous one-answer-per-person survey stores instead of the respondent:
    ``(account key, device key)``, each ``""`` when there is no account or no device token."""
    if not survey.is_anonymous or not survey.is_one_answer_per_person:
        return "", ""
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    account_key = _keyed(survey, "account", str(actor.pk)) if signed_in and actor else ""
    device_key = _keyed(survey, "device", device_token) if device_token else ""
    return account_key, device_key


def has_responded(*, survey: Survey, actor: Account | None, device_token: str = "") -> bool:
    """Whether ``actor`` (or, in an anonymous survey, this account or browser) already answered.

    Real-name survey: a response of the account. Anonymous survey with one answer per person:
    a response with the account's key or the device token's key. Otherwise never known.
    """
    if not survey.is_anonymous:
        if not getattr(actor, "is_authenticated", False):
            return False
        return SurveyResponse.objects.filter(survey=survey, respondent=actor).exists()
    account_key, device_key = anonymous_keys(survey=survey, actor=actor, device_token=device_token)
    if not account_key and not device_key:
        return False
    seen = Q(respondent_key=account_key) if account_key else Q()
    if device_key:
        seen = (seen | Q(device_key=device_key)) if account_key else Q(device_key=device_key)
    return SurveyResponse.objects.filter(seen, survey=survey).exists()


# --- results -----------------------------------------------------------------------------------


@dataclass
class Bar:
    """One option's count and share of the people who answered the question."""

    label: str
    count: int
    percent: float


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int = 0
    bars: list[Bar] = field(default_factory=list)
    average: float | None = None
    # matrix: (row label, bars per column)
    matrix: list[tuple[str, list[Bar]]] = field(default_factory=list)
    # ranking: (option label, average place), best first
    ranking: list[tuple[str, float]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    questions: list[QuestionResult]


def _percent(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def survey_results(*, survey: Survey, with_texts: bool = False) -> SurveyResults:
    """Count the answers of every question: shares of options, averages of numbers and scales,
    matrix tables and average ranking places. Percentages are of the respondents who answered
    the question. Free texts only ``with_texts`` (staff), at most ``TEXT_SAMPLE`` per question.

    A fixed number of queries, whatever the number of questions.
    """
    questions = questions_of(survey)
    answers = SurveyAnswer.objects.filter(response__survey=survey)
    answered = dict(
        answers.values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    cells: dict[tuple[int, int | None, int | None], int] = {
        (row["question_id"], row["row_id"], row["option_id"]): row["n"]
        for row in answers.filter(option__isnull=False)
        .values("question_id", "row_id", "option_id")
        .annotate(n=Count("id"))
    }
    averages = {
        row["question_id"]: row
        for row in answers.values("question_id")
        .annotate(avg_number=Avg("number"), avg_rank=Avg("rank"))
        .filter(Q(avg_number__isnull=False) | Q(avg_rank__isnull=False))
    }
    ranks = {
        (row["question_id"], row["option_id"]): row["place"]
        for row in answers.filter(rank__isnull=False)
        .values("question_id", "option_id")
        .annotate(place=Avg("rank"))
    }
    ratings = {
        (row["question_id"], int(row["number"])): row["n"]
        for row in answers.filter(question__kind=QuestionKind.RATING_SCALE)
        .values("question_id", "number")
        .annotate(n=Count("id"))
    }
    texts: dict[int, list[str]] = defaultdict(list)
    if with_texts:
        for question_id, text in answers.filter(
            question__kind__in=[QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT]
        ).values_list("question_id", "text")[: TEXT_SAMPLE * max(1, len(questions))]:
            if len(texts[question_id]) < TEXT_SAMPLE:
                texts[question_id].append(text)

    results = []
    for question in questions:
        total = answered.get(question.pk, 0)
        result = QuestionResult(question=question, answered=total)
        columns = [o for o in question.options.all() if o.role == SurveyOption.Role.OPTION]
        rows = [o for o in question.options.all() if o.role == SurveyOption.Role.ROW]
        kind = question.kind
        if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            result.bars = [
                Bar(o.text, cells.get((question.pk, None, o.pk), 0), 0.0) for o in columns
            ]
            for bar in result.bars:
                bar.percent = _percent(bar.count, total)
        elif kind == QuestionKind.MATRIX:
            for row in rows:
                counts = [cells.get((question.pk, row.pk, o.pk), 0) for o in columns]
                row_total = sum(counts)
                result.matrix.append(
                    (
                        row.text,
                        [
                            Bar(o.text, n, _percent(n, row_total))
                            for o, n in zip(columns, counts, strict=True)
                        ],
                    )
                )
        elif kind == QuestionKind.RANKING:
            placed = [(o.text, ranks.get((question.pk, o.pk))) for o in columns]
            result.ranking = sorted(
                ((label, round(float(place), 2)) for label, place in placed if place is not None),
                key=lambda item: item[1],
            )
        elif kind in (QuestionKind.NUMBER, QuestionKind.RATING_SCALE):
            avg = averages.get(question.pk, {}).get("avg_number")
            result.average = round(float(decimal.Decimal(avg)), 2) if avg is not None else None
            if kind == QuestionKind.RATING_SCALE:
                result.bars = [
                    Bar(str(v), ratings.get((question.pk, v), 0), 0.0)
                    for v in range(1, (question.scale_max or 5) + 1)
                ]
                for bar in result.bars:
                    bar.percent = _percent(bar.count, total)
        else:
            result.texts = texts.get(question.pk, [])
        results.append(result)
    return SurveyResults(
        survey=survey,
        responses=SurveyResponse.objects.filter(survey=survey).count(),
        questions=results,
    )


def can_export_responses(*, actor: Account, survey: Survey) -> bool:
    """Whether ``actor`` may download all responses: the department's result-reading staff."""
    return any(
        org_selectors.user_has_role(user=actor, role=role, department=survey.department)
        for role in RESULT_READING_ROLES
    )
