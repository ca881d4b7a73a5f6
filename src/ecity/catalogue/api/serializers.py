"""Serializers of the catalogue API (output shapes and the draft update input)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ecity.catalogue.models import (
    FAQ,
    Audience,
    LifeEvent,
    RequiredMaterial,
    ServiceItem,
    ServiceItemVersion,
    ServiceLocation,
    Theme,
    validate_time_limit,
)
from ecity.org.models import Department


class DepartmentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name_zh", "name_en"]


class ThemeSerializer(serializers.ModelSerializer):
    item_count = serializers.IntegerField(read_only=True, help_text="Published services.")

    class Meta:
        model = Theme
        fields = ["code", "name_zh", "name_en", "audience", "description_zh", "description_en"]
        fields += ["item_count"]


class LifeEventSerializer(ThemeSerializer):
    class Meta(ThemeSerializer.Meta):
        model = LifeEvent


# A link that exists only when the department uploaded the file (and the version is published).
NULLABLE_URI = {"type": "string", "format": "uri", "nullable": True}


class MaterialSerializer(serializers.ModelSerializer):
    template_url = serializers.SerializerMethodField()
    example_url = serializers.SerializerMethodField()

    class Meta:
        model = RequiredMaterial
        fields = ["public_id", "name_zh", "name_en", "form", "copies", "is_mandatory", "is_exempt"]
        fields += ["source"]
        fields += ["notes", "template_url", "example_url", "max_size_mb", "accepted_types"]

    def _url(self, material: RequiredMaterial, field: str) -> str | None:
        if not getattr(material, field) or material.version.is_draft:
            return None
        path = reverse(
            f"catalogue:material_{field}", args=[material.version.item.code, material.public_id]
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(NULLABLE_URI)
    def get_template_url(self, material: RequiredMaterial) -> str | None:
        return self._url(material, "template")

    @extend_schema_field(NULLABLE_URI)
    def get_example_url(self, material: RequiredMaterial) -> str | None:
        return self._url(material, "example")


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceLocation
        fields = ["name", "address", "hours", "phone"]


class FAQSerializer(serializers.ModelSerializer):
    class Meta:
        model = FAQ
        fields = ["question", "answer"]


class VersionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceItemVersion
        fields = ["public_id", "number", "status", "name_zh", "name_en", "published_at"]
        fields += ["change_note"]


class VersionDetailSerializer(serializers.ModelSerializer):
    """Every element of a service guide, with its materials, locations, FAQ and form schema."""

    item_code = serializers.CharField(source="item.code", read_only=True)
    audiences = serializers.ListField(child=serializers.ChoiceField(Audience.choices))
    themes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    life_events = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    materials = MaterialSerializer(many=True, read_only=True)
    locations = LocationSerializer(many=True, read_only=True)
    faqs = FAQSerializer(many=True, read_only=True)

    class Meta:
        model = ServiceItemVersion
        fields = [
            "public_id", "item_code", "number", "status", "name_zh", "name_en", "kind",
            "summary_zh", "summary_en", "legal_basis", "conditions", "statutory_days",
            "committed_days", "is_free", "fee_description", "fee_basis", "is_online",
            "is_counter", "is_mobile", "audiences", "themes", "life_events",
            "process_description", "result_description", "contact_phone", "complaint_phone",
            "materials", "locations", "faqs", "form_schema", "change_note", "published_at",
        ]  # fmt: skip


class ItemListSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)
    name_zh = serializers.CharField(source="current_version.name_zh")
    name_en = serializers.CharField(source="current_version.name_en")
    summary_zh = serializers.CharField(source="current_version.summary_zh")
    summary_en = serializers.CharField(source="current_version.summary_en")
    kind = serializers.CharField(source="current_version.kind")
    audiences = serializers.ListField(
        source="current_version.audiences", child=serializers.CharField()
    )
    version = serializers.IntegerField(source="current_version.number")
    committed_days = serializers.IntegerField(source="current_version.committed_days")

    class Meta:
        model = ServiceItem
        fields = ["code", "name_zh", "name_en", "summary_zh", "summary_en", "kind", "audiences"]
        fields += ["department", "version", "committed_days"]


class ItemDetailSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)
    current_version = VersionDetailSerializer(read_only=True)

    class Meta:
        model = ServiceItem
        fields = ["code", "department", "current_version"]


class DraftUpdateSerializer(serializers.Serializer):
    """Fields a draft may change; every one is optional (PATCH)."""

    name_zh = serializers.CharField(max_length=200, required=False)
    name_en = serializers.CharField(max_length=300, required=False, allow_blank=True)
    kind = serializers.ChoiceField(ServiceItemVersion.Kind.choices, required=False)
    summary_zh = serializers.CharField(required=False, allow_blank=True)
    summary_en = serializers.CharField(required=False, allow_blank=True)
    legal_basis = serializers.CharField(required=False, allow_blank=True)
    conditions = serializers.CharField(required=False, allow_blank=True)
    statutory_days = serializers.IntegerField(
        required=False, allow_null=True, validators=[validate_time_limit]
    )
    committed_days = serializers.IntegerField(
        required=False, allow_null=True, validators=[validate_time_limit]
    )
    is_free = serializers.BooleanField(required=False)
    fee_description = serializers.CharField(required=False, allow_blank=True)
    fee_basis = serializers.CharField(required=False, allow_blank=True)
    is_online = serializers.BooleanField(required=False)
    is_counter = serializers.BooleanField(required=False)
    is_mobile = serializers.BooleanField(required=False)
    audiences = serializers.ListField(
        child=serializers.ChoiceField(Audience.choices), required=False
    )
    themes = serializers.ListField(child=serializers.SlugField(), required=False)
    life_events = serializers.ListField(child=serializers.SlugField(), required=False)
    process_description = serializers.CharField(required=False, allow_blank=True)
    result_description = serializers.CharField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=100, required=False, allow_blank=True)
    complaint_phone = serializers.CharField(max_length=100, required=False, allow_blank=True)
    form_schema = serializers.JSONField(required=False)
    change_note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class FormDataSerializer(serializers.Serializer):
    """Free-form: the application form's field names and values (see the version's schema)."""

    def to_internal_value(self, data: Any) -> Any:
        return data


class FormValidResultSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    data = serializers.DictField(help_text="The cleaned values, by field name.")


class FormAnswerSerializer(serializers.Serializer):
    """One answer of an application form: the stored value and the value as people read it."""

    name = serializers.CharField(help_text="The form field's name.")
    label = serializers.CharField(help_text="The field's label in the reader's language.")
    value = serializers.JSONField(help_text="The value as stored (an option's code, true, 35).")
    text = serializers.CharField(
        help_text="The value as people read it (the option's label, 是/否, 35)."
    )
