"""Error codes of the service catalogue (see ``ecity.core.errors``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecity.core.errors import error_codes_register


@error_codes_register
class CatalogueErrorCode(models.TextChoices):
    VERSION_IMMUTABLE = "version_immutable", _("A published guide version cannot be changed.")
    DRAFT_EXISTS = "draft_exists", _("The service item already has a draft version.")
    NO_ONLINE_FORM = "no_online_form", _("The service has no online application form.")
