"""Open311 GeoReport v2 (``hotline/open311``): the channel systems that post requests, the
extra questions (attributes) a category asks, and what each Open311 request brought besides
the ticket.

A service of the Open311 server is an active leaf ``Category``; its ``Open311Attribute`` rows
are the service definition. An ``Open311Client`` is one channel system (a city app, a
FixMyStreet-like site) holding an API key; only the key's SHA-256 is stored.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecity.core.fields import EncryptedTextField
from ecity.core.models import BaseModel


class Open311Client(BaseModel):
    """A channel system allowed to post service requests (one API key each)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    key_hash = models.CharField(_("API key (SHA-256)"), max_length=64, unique=True)
    # The first characters of the key, to tell keys apart in the admin without storing them.
    key_prefix = models.CharField(_("API key prefix"), max_length=8)
    is_active = models.BooleanField(_("active"), default=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self) -> str:
        return self.name


class Open311Attribute(BaseModel):
    """One question of a service definition (e.g. 'Which light pole number?')."""

    class Datatype(models.TextChoices):
        STRING = "string", _("Short text")
        NUMBER = "number", _("Number")
        DATETIME = "datetime", _("Date and time")
        TEXT = "text", _("Long text")
        SINGLEVALUELIST = "singlevaluelist", _("One of a list")
        MULTIVALUELIST = "multivaluelist", _("Several of a list")

    LIST_DATATYPES = ("singlevaluelist", "multivaluelist")

    category = models.ForeignKey(
        "hotline.Category",
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="open311_attributes",
    )
    code = models.SlugField(_("attribute code"), max_length=50)
    datatype = models.CharField(
        _("data type"), max_length=16, choices=Datatype.choices, default=Datatype.STRING
    )
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    description = models.CharField(_("question"), max_length=300)
    # For the list types: [{"key": "1", "name": "路灯不亮"}, ...].
    values = models.JSONField(_("values"), default=list, blank=True)

    class Meta:
        ordering = ["category", "order", "code"]
        verbose_name = _("Open311 attribute")
        verbose_name_plural = _("Open311 attributes")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "code"], name="hotline_open311_attribute_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category.code}:{self.code}"

    @property
    def value_keys(self) -> list[str]:
        return [str(item.get("key", "")) for item in self.values or [] if isinstance(item, dict)]


class Open311Request(BaseModel):
    """What an Open311 request brought besides the ticket: client, token, answers, media."""

    ticket = models.OneToOneField(
        "hotline.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="open311_request",
    )
    client = models.ForeignKey(
        Open311Client,
        verbose_name=_("Open311 client"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    token = models.CharField(_("token"), max_length=32, unique=True)
    attributes = models.JSONField(_("attribute answers"), default=dict, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    # Personal data of the reporter (never published): encrypted like the ticket's caller.
    email = EncryptedTextField(_("e-mail"), max_length=254, blank=True)
    device_id = models.CharField(_("device ID"), max_length=100, blank=True)
    account_id = models.CharField(_("account ID"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")

    def __str__(self) -> str:
        return self.token
