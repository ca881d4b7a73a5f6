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
    RESOURCE_NOT_DRAFT = (
        "resource_not_draft",
        _("Only a draft resource can be changed or submitted."),
    )
    RESOURCE_NOT_IN_REVIEW = (
        "resource_not_in_review",
        _("The resource is not waiting for review."),
    )
    RESOURCE_NOT_PUBLISHED = (
        "resource_not_published",
        _("Only a published resource can be revised or withdrawn."),
    )
    INDICATOR_STATUS = (
        "indicator_status",
        _("An indicator goes from draft to in force, and from in force to withdrawn and back."),
    )
