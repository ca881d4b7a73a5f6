"""Error codes of information disclosure (``ecity.core.errors``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecity.core.errors import error_codes_register


@error_codes_register
class DisclosureErrorCode(models.TextChoices):
    REQUEST_WRONG_STATUS = (
        "disclosure_request_wrong_status",
        _("The request is not at the stage this action needs."),
    )
    ALREADY_EXTENDED = (
        "disclosure_already_extended",
        _("The limit of this request has already been extended once."),
    )
    REPORT_PUBLISHED = (
        "disclosure_report_published",
        _("The annual report is published and can no longer be edited."),
    )
