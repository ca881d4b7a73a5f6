"""Error codes of participation: consultations, mailboxes, surveys (``ecity.core.errors``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecity.core.errors import error_codes_register


@error_codes_register
class ParticipationErrorCode(models.TextChoices):
    CONSULTATION_NOT_OPEN = (
        "consultation_not_open",
        _("The consultation is not open for comments."),
    )
    CONSULTATION_WRONG_STATUS = (
        "consultation_wrong_status",
        _("The consultation is not at the stage this action needs."),
    )
    COMMENT_NOT_PENDING = "comment_not_pending", _("The comment has already been moderated.")
    SUMMARY_INCOMPLETE = (
        "consultation_summary_incomplete",
        _("Every comment must be moderated and every published comment answered first."),
    )
    MAILBOX_CLOSED = "mailbox_closed", _("The mailbox does not accept letters now.")
    CITIZENS_ONLY = "citizens_only", _("Only signed-in citizens may do this.")
    LETTER_WRONG_STATUS = (
        "letter_wrong_status",
        _("The letter is not at the stage this action needs."),
    )
    LETTER_ALREADY_RATED = "letter_already_rated", _("The reply has already been rated.")


@error_codes_register
class SurveyErrorCode(models.TextChoices):
    SURVEY_NOT_DRAFT = (
        "survey_not_draft",
        _("The survey is no longer a draft: it cannot be edited."),
    )
    SURVEY_NOT_OPEN = "survey_not_open", _("The survey does not take answers now.")
    SURVEY_ALREADY_ANSWERED = (
        "survey_already_answered",
        _("You have already answered this survey (one answer per person)."),
    )
    SURVEY_DEVICE_UNKNOWN = (
        "survey_device_unknown",
        _("This survey takes one answer per person: allow cookies, reload and answer again."),
    )
    SURVEY_WITHOUT_QUESTIONS = (
        "survey_without_questions",
        _("A survey needs at least one question before it opens."),
    )
