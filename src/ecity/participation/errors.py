"""Error codes of participation (see ``ecity.core.errors``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecity.core.errors import error_codes_register


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
    SURVEY_WITHOUT_QUESTIONS = (
        "survey_without_questions",
        _("A survey needs at least one question before it opens."),
    )
