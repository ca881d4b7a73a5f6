"""Error codes of the case system (see ``ecity.core.errors``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecity.core.errors import error_codes_register


@error_codes_register
class CasesErrorCode(models.TextChoices):
    SERVICE_UNAVAILABLE = "service_unavailable", _("The service cannot be applied for online now.")
    IDEMPOTENCY_CONFLICT = (
        "idempotency_conflict",
        _("This Idempotency-Key was used before with a different request."),
    )
    NO_MATCH = "no_match", _("No case matches this case number and query code.")
    NOT_AWAITING = "not_awaiting", _("The case is not waiting for a correction.")
    NOT_WITHDRAWABLE = "not_withdrawable", _("The case can no longer be withdrawn.")
    NOT_CLOSED = "not_closed", _("The case has not been decided yet.")
    ALREADY_RATED = "already_rated", _("The case has already been rated.")
    ANSWERS_CHANGED = "answers_changed", _("The answers changed after they were checked.")
    INVITATION_INVALID = (
        "rating_invitation_invalid",
        _("The rating link is not valid: it was used already or has expired."),
    )
    NOT_LOW_RATING = "not_low_rating", _("Only a low rating can be appealed or rectified.")
    ALREADY_APPEALED = "already_appealed", _("The rating has already been appealed.")
    WRONG_STAGE = (
        "rectification_wrong_stage",
        _("The rectification is not at the stage this action needs."),
    )
    TIME_LIMIT_OUT_OF_RANGE = (
        "time_limit_out_of_range",
        _("The service's time limit is out of range: its service guide must be corrected."),
    )
    TRAINING_MODE_OFF = (
        "training_mode_off",
        _("Demonstration and training tools are off in this city (ECITY_TRAINING_MODE)."),
    )
