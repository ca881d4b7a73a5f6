"""Federation: another ecity node (city) whose signed configuration this node trusts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecity.core.models import BaseModel
from ecity.exchange.models.parties import IDENTIFIER_PART


class RemoteInstance(BaseModel):
    """A federated city (instance): its gateway, its pinned node key and its last configuration.

    Rows are written only by ``federation_config_import`` after the configuration's signature
    verified with the node key the operator pinned out of band.
    """

    code = models.CharField(_("instance"), max_length=64, unique=True, validators=[IDENTIFIER_PART])
    gateway_url = models.URLField(_("gateway URL"), max_length=500, blank=True)
    node_kid = models.CharField(_("node key ID"), max_length=100)
    node_algorithm = models.CharField(_("node key algorithm"), max_length=16)
    node_public_key = models.TextField(_("node public key"))
    last_config_hash = models.CharField(_("last configuration hash"), max_length=64)
    config_generated_at = models.DateTimeField(_("configuration generated at"))
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        verbose_name = _("federated instance")
        verbose_name_plural = _("federated instances")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
