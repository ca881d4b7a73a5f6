"""Error codes of the hotline (see ``ecity.core.errors``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecity.core.errors import error_codes_register


@error_codes_register
class HotlineErrorCode(models.TextChoices):
    TICKET_NO_MATCH = "ticket_no_match", _("No ticket matches this ticket number and query code.")
    TICKET_WRONG_STATUS = (
        "ticket_wrong_status",
        _("The ticket is not in a state that allows this action."),
    )
    NOT_HOTLINE_CENTRE = (
        "not_hotline_centre",
        _("Only the hotline centre's systems may submit tickets."),
    )
    QUESTIONNAIRE_LINK_INVALID = (
        "questionnaire_link_invalid",
        _("The callback questionnaire link is not valid."),
    )
    QUESTIONNAIRE_UNAVAILABLE = (
        "questionnaire_unavailable",
        _("The callback questionnaire can no longer be answered."),
    )
