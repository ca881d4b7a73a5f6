"""Accounts: citizens, enterprises and their agents (staff roles live in ``ecity.org``)."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecity.core.fields import BlindIndexField, EncryptedTextField, refresh_blind_indexes
from ecity.core.masking import mask_id_number, mask_phone
from ecity.core.models import BaseModel
from ecity.core.validators import validate_id_number, validate_mobile, validate_uscc
from ecity.org.models import Region


class IdentityLevel(models.IntegerChoices):
    """How sure the platform is that an account belongs to the person it names.

    As national practice has them: 1 registered (注册): the person typed a name and an ID number,
    nothing proved. 2 real-name verified (实名认证): name and ID number matched against an
    authority (the person registry; an identity provider such as a bank-card or telecom check).
    3 verified in person (实人认证): a clerk saw the person and the ID card at a counter, or a
    strong identity provider (a national e-ID with a live face check) vouched for them. What each
    act needs: ``identity.selectors.identity_level_required``.
    """

    REGISTERED = 1, _("Registered")
    REAL_NAME = 2, _("Real-name verified")
    IN_PERSON = 3, _("Verified in person")


class User(AbstractUser):
    """A platform account. Every account can act as a citizen; roles and authorisations add more.

    ``username`` is the login name chosen at registration (a phone number or e-mail also work as
    login names, see identity.services).

    The ID number, phone number and address are encrypted at rest (``ecity.core.fields``); the ID
    number and phone number are found, and kept unique, through their blind indexes: use
    ``identity.selectors.user_find_by_id_number`` / ``users_with_phone``, never a filter on the
    encrypted columns.
    """

    public_id = models.UUIDField(_("public ID"), default=uuid.uuid4, unique=True, editable=False)
    # A civil servant's work account, made by a platform administrator: only these hold staff
    # roles, so that no citizen's own account is ever given access to other people's data.
    is_staff_account = models.BooleanField(
        _("staff account"),
        default=False,
        help_text=_("A civil servant's work account. Only staff accounts can hold staff roles."),
    )
    real_name = models.CharField(_("real name"), max_length=100, blank=True)
    id_number = EncryptedTextField(
        _("resident ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    id_number_index = BlindIndexField(
        source="id_number",
        purpose="id_number",
        normaliser="ecity.core.validators.normalise_id_number",
    )
    phone = EncryptedTextField(
        _("mobile phone"), max_length=20, blank=True, validators=[validate_mobile]
    )
    phone_index = BlindIndexField(
        source="phone", purpose="phone", normaliser="ecity.core.validators.normalise_mobile"
    )
    address = EncryptedTextField(_("address"), max_length=300, blank=True)
    identity_level = models.PositiveSmallIntegerField(
        _("identity level"), choices=IdentityLevel.choices, default=IdentityLevel.REGISTERED
    )
    # How the level was reached: "counter", "registry", "idp:<provider name>" ("legacy": verified
    # before levels were recorded). Empty while registered only.
    identity_method = models.CharField(_("verified by method"), max_length=64, blank=True)
    identity_verified_at = models.DateTimeField(_("identity verified at"), null=True, blank=True)
    identity_verified_by = models.ForeignKey(
        "self",
        verbose_name=_("identity verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The clerk who verified the identity at a counter."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        default="zh-hans",
        choices=[("zh-hans", "简体中文"), ("en", "English")],
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            # On the blind indexes: the encrypted columns differ even for equal values.
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=~Q(id_number_index=""),
                name="identity_user_unique_id_number",
                violation_error_message=_("An account with this ID number is already registered."),
            ),
            models.UniqueConstraint(
                fields=["phone_index"],
                condition=~Q(phone_index=""),
                name="identity_user_unique_phone",
                violation_error_message=_(
                    "An account with this phone number is already registered."
                ),
            ),
            # E-mail addresses are login names and password-reset targets: one account each.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="identity_user_unique_email"
            ),
        ]

    def __str__(self) -> str:
        return self.real_name or self.username

    def clean(self) -> None:
        super().clean()
        # So that full_clean() checks uniqueness against the values about to be saved.
        refresh_blind_indexes(self)

    @property
    def is_real_name_verified(self) -> bool:
        """Real-name verified or better (level 2 or 3)."""
        return self.identity_level >= IdentityLevel.REAL_NAME

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class LegalEntity(BaseModel):
    """An enterprise or other legal person, identified by its unified social credit code."""

    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    name = models.CharField(_("name"), max_length=200)
    legal_representative_name = models.CharField(_("legal representative"), max_length=100)
    # Encrypted at rest (ecity.core.fields); the USCC and the name are public registry data.
    legal_representative_id_number = EncryptedTextField(
        _("legal representative's ID number"),
        max_length=18,
        blank=True,
        validators=[validate_id_number],
    )
    address = EncryptedTextField(_("registered address"), max_length=300, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    phone = EncryptedTextField(_("contact phone"), max_length=50, blank=True)
    # Verified: the record (name, legal representative) matches the business licence seen at a
    # counter or the legal-entity registry, and the legal representative's verified identity
    # matches it. Nobody acts for an unverified enterprise (``ecity.identity.levels``).
    is_verified = models.BooleanField(_("verified"), default=False)
    verification_method = models.CharField(_("verified by method"), max_length=64, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        User,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("legal entity")
        verbose_name_plural = _("legal entities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgentAuthorisation(BaseModel):
    """A citizen's authority to act for a legal entity (as its representative or an agent)."""

    class Role(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
        ADMINISTRATOR = "administrator", _("Enterprise account administrator")
        AGENT = "agent", _("Authorised agent")

    legal_entity = models.ForeignKey(
        LegalEntity,
        verbose_name=_("legal entity"),
        on_delete=models.CASCADE,
        related_name="authorisations",
    )
    user = models.ForeignKey(
        User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="authorisations"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.AGENT)
    granted_by = models.ForeignKey(
        User,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agent authorisation")
        verbose_name_plural = _("agent authorisations")
        constraints = [
            models.UniqueConstraint(
                fields=["legal_entity", "user"], name="identity_agent_unique_entity_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.legal_entity} ({self.get_role_display()})"

    @property
    def is_current(self) -> bool:
        """Active and not past its ``valid_until`` date (inclusive)."""
        return self.is_active and (
            self.valid_until is None or self.valid_until >= timezone.localdate()
        )

    @property
    def can_manage(self) -> bool:
        """Whether this authorisation lets its holder manage the entity's agents."""
        return self.is_current and self.role in MANAGER_ROLES


# Roles of an enterprise that may grant and revoke its agents' authorisations.
MANAGER_ROLES = frozenset(
    {AgentAuthorisation.Role.LEGAL_REPRESENTATIVE, AgentAuthorisation.Role.ADMINISTRATOR}
)
