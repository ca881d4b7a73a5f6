"""Output of the search API (input is the query string, read by ``search_params_parse``)."""

from __future__ import annotations

from rest_framework import serializers


class SearchHitSerializer(serializers.Serializer):
    title = serializers.CharField()
    title_html = serializers.CharField(help_text="The title, HTML-escaped, matches in <mark>.")
    snippet_html = serializers.CharField(help_text="A passage, HTML-escaped, matches in <mark>.")
    url = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    department_name = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class FacetsSerializer(serializers.Serializer):
    kind = FacetValueSerializer(many=True, required=False)
    department = FacetValueSerializer(many=True, required=False)
    audience = FacetValueSerializer(many=True, required=False)
    year = FacetValueSerializer(many=True, required=False)


class SearchResultSerializer(serializers.Serializer):
    q = serializers.CharField(source="params.q")
    total = serializers.IntegerField(
        help_text="Matching documents; an estimate when `estimated` is true."
    )
    estimated = serializers.BooleanField(
        help_text="More documents matched than are counted exactly: `total` and the facet "
        "counts are estimates from a fixed sample, and `pages` cover the best candidates."
    )
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    did_you_mean = serializers.CharField(help_text="A corrected query, or empty.")
    facets = FacetsSerializer()
    hits = SearchHitSerializer(many=True)


class SuggestionsSerializer(serializers.Serializer):
    prefix = serializers.CharField()
    suggestions = serializers.ListField(child=serializers.CharField())
