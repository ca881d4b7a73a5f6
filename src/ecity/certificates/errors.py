"""Error codes of decision documents and e-certificates (see ``ecity.core.errors``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecity.core.errors import error_codes_register


@error_codes_register
class CertificatesErrorCode(models.TextChoices):
    CASE_NOT_DECIDED = "case_not_decided", _("The case has no decision yet.")
    CASE_NOT_APPROVED = "case_not_approved", _("A certificate is issued only for an approved case.")
    ISSUER_WITHOUT_USCC = (
        "issuer_without_uscc",
        _("The issuing department has no unified social credit code."),
    )
