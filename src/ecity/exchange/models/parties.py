"""Exchange parties in the X-Road shape: members (departments) and their subsystems (systems)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

from ecity.core.models import BaseModel

# One identifier part: letters, digits, dot, dash and underscore (no slash: it separates parts).
IDENTIFIER_PART = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
    _("Use 1–64 letters, digits, dots, dashes or underscores, starting with a letter or digit."),
)


class MemberClass(models.TextChoices):
    GOV = "GOV", _("Government body")
    COM = "COM", _("Enterprise")
    NGO = "NGO", _("Non-profit organisation")
    ORG = "ORG", _("Public institution")


class Member(BaseModel):
    """An exchange member (成员): a department of a city (instance), by its code or USCC.

    Identifier: ``{instance}/{member_class}/{code}``. Members of the local instance are tied to an
    ``org.Department``; members of a federated city come from that city's signed configuration.
    """

    instance = models.CharField(_("instance"), max_length=64, validators=[IDENTIFIER_PART])
    member_class = models.CharField(_("member class"), max_length=8, choices=MemberClass.choices)
    code = models.CharField(_("member code"), max_length=64, validators=[IDENTIFIER_PART])
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exchange_members",
    )
    is_enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("exchange member")
        verbose_name_plural = _("exchange members")
        ordering = ["instance", "member_class", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "member_class", "code"], name="exchange_member_identifier"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.name}"

    @property
    def identifier(self) -> str:
        return f"{self.instance}/{self.member_class}/{self.code}"


class Subsystem(BaseModel):
    """An information system of a member (子系统): it publishes, subscribes, provides and calls.

    Identifier: ``{instance}/{member_class}/{member}/{code}``. It authenticates with OIDC client
    credentials (``application``, a registered department system of the SSO app) and signs
    with its own key in the core key vault (purpose ``exchange``, owner = the identifier).
    """

    class LogLevel(models.TextChoices):
        FULL = "full", _("Full (envelope and payload)")
        METADATA = "metadata", _("Metadata only (envelope, payload hash)")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="subsystems"
    )
    code = models.CharField(_("subsystem code"), max_length=64, validators=[IDENTIFIER_PART])
    name = models.CharField(_("name"), max_length=200)
    # The full identifier, stored so that envelopes and logs find the subsystem by one index.
    identifier = models.CharField(_("identifier"), max_length=255, unique=True, editable=False)
    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        verbose_name=_("client credentials"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exchange_subsystem",
    )
    log_level = models.CharField(
        _("message log level"), max_length=16, choices=LogLevel.choices, default=LogLevel.FULL
    )
    is_enabled = models.BooleanField(_("enabled"), default=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("subsystem")
        verbose_name_plural = _("subsystems")
        ordering = ["identifier"]
        constraints = [
            models.UniqueConstraint(fields=["member", "code"], name="exchange_subsystem_code"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.name}"

    @property
    def is_active(self) -> bool:
        return self.is_enabled and self.member.is_enabled
