"""API input and output shapes for organisations and accounts. No business rules here."""

from __future__ import annotations

from rest_framework import serializers

from ecity.core.masking import mask_email, mask_phone
from ecity.identity.models import ContactChange, IdentityLevel, User
from ecity.org.models import Department, Region, StaffRole


class RegionOutput(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "name_zh", "name_en", "level", "parent"]


class DepartmentOutput(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    name = serializers.CharField(read_only=True)
    # Blank when the department has none: a plain string, since "" is not a URI.
    website = serializers.CharField(read_only=True, help_text="Web site, or empty.")

    class Meta:
        model = Department
        fields = [
            "code",
            "name",
            "name_zh",
            "name_en",
            "short_name",
            "parent",
            "region",
            "phone",
            "address",
            "website",
            "is_active",
        ]


class StaffRoleOutput(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = StaffRole
        fields = ["role", "department"]


class MeOutput(serializers.ModelSerializer):
    """The caller's own account; identifiers masked (they are shown, not re-entered)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)
    email = serializers.SerializerMethodField()
    pending_email = serializers.SerializerMethodField(
        help_text="The new e-mail address (masked) waiting for confirmation from the link sent "
        "to it, or null. Until then `email` stays in force."
    )
    pending_phone = serializers.SerializerMethodField(
        help_text="The new mobile number (masked) waiting for the code sent to it, or null."
    )
    staff_roles = serializers.SerializerMethodField()
    identity_level = serializers.ChoiceField(
        choices=IdentityLevel.choices,
        read_only=True,
        help_text="Real-name level: 1 registered, 2 real-name verified, 3 verified in person.",
    )
    identity_method = serializers.CharField(
        read_only=True,
        help_text='How the level was reached: "counter", "registry", "idp:<provider>" '
        '("" while registered only).',
    )
    identity_verified_at = serializers.DateTimeField(read_only=True, allow_null=True)
    is_real_name_verified = serializers.BooleanField(
        read_only=True, help_text="Level 2 or 3 (kept for older clients)."
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "real_name",
            "id_number",
            "phone",
            "email",
            "pending_email",
            "pending_phone",
            "address",
            "identity_level",
            "identity_method",
            "identity_verified_at",
            "is_real_name_verified",
            "preferred_language",
            "staff_roles",
        ]

    def get_email(self, user: User) -> str:
        return mask_email(user.email)

    def get_pending_email(self, user: User) -> str | None:
        change = self.context.get("pending", {}).get(ContactChange.Kind.EMAIL)
        return mask_email(change.new_value) if change is not None else None

    def get_pending_phone(self, user: User) -> str | None:
        change = self.context.get("pending", {}).get(ContactChange.Kind.PHONE)
        return mask_phone(change.new_value) if change is not None else None

    def get_staff_roles(self, user: User) -> list[dict]:
        roles = self.context.get("roles", [])
        return StaffRoleOutput(roles, many=True).data  # type: ignore[return-value]


class MeUpdateInput(serializers.Serializer):
    phone = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="A new number needs `current_password` and counts once the code sent to it by "
        "SMS is confirmed (`me/phone-confirmation/`).",
    )
    email = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=254,
        help_text="A new address needs `current_password` and counts once the link sent to it is "
        "opened (or its token posted to `me/email-confirmation/`).",
    )
    address = serializers.CharField(required=False, allow_blank=True, max_length=300)
    preferred_language = serializers.CharField(required=False, max_length=10)
    current_password = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=128,
        write_only=True,
        trim_whitespace=False,
        help_text="Your current password: needed to change `email` or `phone` unless this "
        "session confirmed it within the last minutes (ECITY_REAUTH_SECONDS).",
    )
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        write_only=True,
        help_text="Instead of `current_password`: a current code from your authenticator app "
        "(accounts with two-step verification).",
    )


class EmailConfirmInput(serializers.Serializer):
    token = serializers.CharField(
        max_length=400, help_text="The token from the link sent to the new e-mail address."
    )


class PhoneConfirmInput(serializers.Serializer):
    code = serializers.CharField(
        max_length=16, help_text="The 6-digit code sent by SMS to the new number."
    )


class PasswordChangeInput(serializers.Serializer):
    current_password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)


class ActingIdentityOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["citizen", "enterprise"])
    display_name = serializers.CharField()
    legal_entity = serializers.SerializerMethodField()
    uscc = serializers.SerializerMethodField()
    role = serializers.CharField()
    is_current = serializers.SerializerMethodField()

    def get_legal_entity(self, identity) -> str | None:
        return str(identity.legal_entity.public_id) if identity.legal_entity else None

    def get_uscc(self, identity) -> str | None:
        return identity.legal_entity.uscc if identity.legal_entity else None

    def get_is_current(self, identity) -> bool:
        current = self.context.get("current")
        return current is not None and current.key == identity.key


class ActingIdentitySwitchInput(serializers.Serializer):
    legal_entity = serializers.UUIDField(
        allow_null=True, help_text="Public ID of the enterprise, or null to act as oneself."
    )


class RegistrationInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    real_name = serializers.CharField(max_length=100)
    id_number = serializers.CharField(max_length=18)
    phone = serializers.CharField(max_length=20)
    email = serializers.CharField(max_length=254)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    preferred_language = serializers.ChoiceField(
        choices=["zh-hans", "en"], required=False, default="zh-hans"
    )
