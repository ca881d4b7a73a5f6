"""Serializers of the registry's read-only metadata API."""

from __future__ import annotations

from rest_framework import serializers

from ecity.org.models import Department
from ecity.registry.models import (
    CodeList,
    CodeValue,
    DataElement,
    Resource,
    ResourceItem,
    ShareMethod,
    SubjectTerm,
)


class AuthoritySerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name_zh", "name_en"]


class DataElementSerializer(serializers.ModelSerializer):
    code_list = serializers.SlugRelatedField(
        slug_field="identifier", read_only=True, allow_null=True
    )
    authority = AuthoritySerializer(read_only=True, allow_null=True)
    synonyms = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = DataElement
        fields = [
            "identifier",
            "name",
            "name_en",
            "definition",
            "data_type",
            "format",
            "pattern",
            "code_list",
            "check_rule",
            "unit",
            "authority",
            "synonyms",
            "version",
            "status",
            "updated_at",
        ]
        read_only_fields = fields


class CodeListSerializer(serializers.ModelSerializer):
    value_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = CodeList
        fields = ["identifier", "name", "name_en", "standard", "version", "value_count"]
        read_only_fields = fields


class CodeValueSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = CodeValue
        fields = ["code", "name", "name_en", "parent", "valid_from", "valid_to"]
        read_only_fields = fields


class SubjectTermSerializer(serializers.ModelSerializer):
    synonyms = serializers.ListField(child=serializers.CharField(), read_only=True)
    broader = serializers.SlugRelatedField(slug_field="term", many=True, read_only=True)
    narrower = serializers.SlugRelatedField(slug_field="term", many=True, read_only=True)
    related = serializers.SlugRelatedField(slug_field="term", many=True, read_only=True)

    class Meta:
        model = SubjectTerm
        fields = ["term", "term_en", "scope_note", "synonyms", "broader", "narrower", "related"]
        read_only_fields = fields


class ResourceItemSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)
    data_element = serializers.SlugRelatedField(slug_field="identifier", read_only=True)
    data_type = serializers.CharField(source="data_element.data_type", read_only=True)
    share_type = serializers.CharField(
        source="effective_share_type",
        read_only=True,
        help_text="The item's share type, or the resource's when the item has none.",
    )

    class Meta:
        model = ResourceItem
        fields = ["name", "data_element", "data_type", "share_type", "is_masked_for_staff"]
        read_only_fields = fields


class ResourceSerializer(serializers.ModelSerializer):
    provider = AuthoritySerializer(read_only=True)
    share_method = serializers.ChoiceField(
        choices=[("", "none"), *ShareMethod.choices],
        read_only=True,
        help_text="Empty when the resource is not shared.",
    )
    subjects = serializers.SlugRelatedField(slug_field="term", many=True, read_only=True)
    code_list = serializers.SlugRelatedField(
        slug_field="identifier", read_only=True, allow_null=True
    )

    class Meta:
        model = Resource
        fields = [
            "code",
            "name",
            "name_en",
            "provider",
            "summary",
            "summary_en",
            "category",
            "format",
            "format_detail",
            "share_type",
            "share_condition",
            "share_method",
            "open_type",
            "open_condition",
            "update_cycle",
            "published_on",
            "version",
            "subjects",
            "code_list",
        ]
        read_only_fields = fields


class ResourceDetailSerializer(ResourceSerializer):
    services = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    items = ResourceItemSerializer(many=True, read_only=True)

    class Meta(ResourceSerializer.Meta):
        fields = [*ResourceSerializer.Meta.fields, "services", "items"]
        read_only_fields = fields
