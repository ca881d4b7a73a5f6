"""Online surveys (网上调查): a department asks the public questions and publishes the results.

A ``Survey`` belongs to one department and goes draft ─open─▶ open ─close─▶ closed; its
questions can be changed only while it is a draft. Nine kinds of ``SurveyQuestion`` (Decidim's
eight, with short and long text told apart): single and multiple choice, short and long text,
number, rating scale, matrix (rows × single-choice columns), ranking and file upload. A
question may be shown only when an earlier choice question was answered with one of given options
(``condition_question`` + ``condition_options``); the server evaluates this on submit.

A ``Response`` is one person's submission; it holds one ``Answer`` row per chosen option,
matrix cell, ranked option, or per text, number, rating or file. An anonymous survey stores no
account on its responses; a real-name survey stores the respondent, once per survey (a database
constraint). An anonymous survey that takes one answer per person stores instead two keyed
hashes that cannot be turned back into an account or a browser without the site's secret: of
the signed-in account and of the browser's device token (a signed cookie), each unique per survey
(see docs/participation.md "One answer per person in anonymous surveys").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.core.models import BaseModel


class Survey(BaseModel):
    """A survey of one department."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", pgettext_lazy("survey status", "Open")
        CLOSED = "closed", pgettext_lazy("survey status", "Closed")

    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_(
            "Anonymous surveys store no account; real-name surveys take one answer per person."
        ),
    )
    is_one_answer_per_person = models.BooleanField(
        _("one answer per person"),
        default=True,
        help_text=_(
            "Anonymous surveys: stop repeated answers from the same account or browser. "
            "Real-name surveys always take one answer per person."
        ),
    )
    are_results_public = models.BooleanField(_("results public"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="participation_survey_closes_after_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    RATING_SCALE = "rating_scale", _("Rating scale")
    MATRIX = "matrix", _("Matrix")
    RANKING = "ranking", _("Ranking")
    FILE_UPLOAD = "file_upload", _("File upload")


#: Kinds whose answers are options (and so may be the condition of another question).
CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})
#: Kinds that need options.
OPTION_KINDS = frozenset(
    {
        QuestionKind.SINGLE_CHOICE,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.MATRIX,
        QuestionKind.RANKING,
    }
)


class SurveyQuestion(BaseModel):
    """One question of a survey, at ``position`` (1, 2, …)."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("question type"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    is_required = models.BooleanField(_("required"), default=False)
    # multiple choice: how many options may be chosen (null = no limit)
    min_choices = models.PositiveSmallIntegerField(_("minimum choices"), null=True, blank=True)
    max_choices = models.PositiveSmallIntegerField(_("maximum choices"), null=True, blank=True)
    # number: the allowed range (null = no limit)
    min_value = models.DecimalField(
        _("minimum value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    # rating scale: 1 … scale_max (5 or 10), with labels at both ends
    scale_max = models.PositiveSmallIntegerField(
        _("scale"), null=True, blank=True, choices=[(5, "1–5"), (10, "1–10")]
    )
    scale_min_label = models.CharField(_("label of the lowest value"), max_length=50, blank=True)
    scale_max_label = models.CharField(_("label of the highest value"), max_length=50, blank=True)
    # file upload: the size limit in MiB
    max_file_mb = models.PositiveSmallIntegerField(_("maximum file size (MB)"), default=5)
    condition_question = models.ForeignKey(
        "self",
        verbose_name=_("shown only when this question"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dependent_questions",
    )
    condition_options = models.ManyToManyField(
        "participation.SurveyOption",
        verbose_name=_("is answered with one of"),
        blank=True,
        related_name="conditioned_questions",
    )

    class Meta:
        ordering = ["survey", "position"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "position"], name="participation_question_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"

    @property
    def field_name(self) -> str:
        """The name of this question's field in forms and API error envelopes."""
        return f"q-{self.public_id}"


class SurveyOption(BaseModel):
    """An option of a choice or ranking question, a column of a matrix, or a matrix row."""

    class Role(models.TextChoices):
        OPTION = "option", _("Option (or matrix column)")
        ROW = "row", _("Matrix row")

    question = models.ForeignKey(
        SurveyQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="options"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.OPTION)
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("text"), max_length=300)

    class Meta:
        ordering = ["question", "role", "position"]
        verbose_name = _("survey option")
        verbose_name_plural = _("survey options")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "role", "position"],
                name="participation_option_position_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(BaseModel):
    """One person's submitted answers to a survey (never half-written: saved in one go)."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="responses"
    )
    # Empty for an anonymous survey: the response cannot be traced back to an account.
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("respondent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    # Anonymous surveys with one answer per person: keyed hashes (HMAC with the site's secret,
    # per survey) of the signed-in account and of the browser's device token; empty otherwise.
    respondent_key = models.CharField(_("respondent key"), max_length=64, blank=True)
    device_key = models.CharField(_("device key"), max_length=64, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent"],
                condition=Q(respondent__isnull=False),
                name="participation_response_one_per_person",
            ),
            models.UniqueConstraint(
                fields=["survey", "respondent_key"],
                condition=~Q(respondent_key=""),
                name="participation_response_one_per_account_key",
            ),
            models.UniqueConstraint(
                fields=["survey", "device_key"],
                condition=~Q(device_key=""),
                name="participation_response_one_per_device",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.created_at:%Y-%m-%d %H:%M}"


class SurveyAnswer(BaseModel):
    """One value of a response: a chosen option, a matrix cell, a ranked option, or a value."""

    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        SurveyQuestion, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    option = models.ForeignKey(
        SurveyOption,
        verbose_name=_("option"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answers",
    )
    row = models.ForeignKey(
        SurveyOption,
        verbose_name=_("matrix row"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="row_answers",
    )
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    number = models.DecimalField(
        _("number"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    file = models.CharField(_("stored file"), max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_type = models.CharField(_("file type"), max_length=100, blank=True)

    class Meta:
        ordering = ["response", "question__position", "row__position", "rank"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        indexes = [models.Index(fields=["question", "option"], name="participation_answer_opt")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.option_id or self.text or self.number}"
