"""Error codes of participation: consultations and mailboxes (see ``ecity.core.errors``)."""

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
