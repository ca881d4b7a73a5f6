"""Error codes of the information resource centre (see ``ecity.core.errors``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecity.core.errors import error_codes_register


@error_codes_register
class RegistryErrorCode(models.TextChoices):
    DATA_ELEMENT_NOT_DRAFT = (
        "data_element_not_draft",
        _("Only a draft data element can be changed or put in force."),
    )
    DATA_ELEMENT_NOT_IN_FORCE = (
        "data_element_not_in_force",
        _("Only a data element in force can be withdrawn."),
    )
