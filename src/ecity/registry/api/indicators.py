"""Read API of the macro-economic indicators registry (public open data, paginated).

``GET /api/v1/registry/indicators/?q=&subject=&department=``,
``/indicators/{code}/`` and ``/indicators/{code}/observations/?region=&from=&to=``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from ecity.core.errors import ValidationFailed
from ecity.registry.api.serializers import AuthoritySerializer
from ecity.registry.models import Indicator, Observation, Subject
from ecity.registry.selectors import indicators as selectors
from ecity.registry.selectors.indicators import SeriesFilters

TAGS = ["registry"]


class IndicatorSerializer(serializers.ModelSerializer):
    authority = AuthoritySerializer(read_only=True)
    data_element = serializers.SlugRelatedField(
        slug_field="identifier", read_only=True, allow_null=True
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "name_en",
            "definition",
            "subject",
            "unit",
            "frequency",
            "aggregation",
            "decimal_places",
            "authority",
            "data_element",
            "status",
            "source",
            "updated_at",
        ]
        read_only_fields = fields


class ObservationSerializer(serializers.ModelSerializer):
    value = serializers.SerializerMethodField(
        help_text="The value as text with the indicator's decimal places."
    )

    class Meta:
        model = Observation
        fields = [
            "region_code",
            "period",
            "period_start",
            "period_end",
            "value",
            "status",
            "version",
            "note",
            "source",
            "source_reference",
            "written_at",
        ]
        read_only_fields = fields

    def get_value(self, observation: Observation) -> str:
        return self.context["indicator"].value_text(observation.value)


@extend_schema(
    tags=TAGS,
    summary="List macro-economic indicators (宏观经济指标) in force",
    description="`q` matches the code or part of a name; `subject` and `department` (the "
    "authority's code) filter.",
    parameters=[
        OpenApiParameter("q", OpenApiTypes.STR),
        OpenApiParameter("subject", OpenApiTypes.STR, enum=Subject.values),
        OpenApiParameter("department", OpenApiTypes.STR, description="Authority department code."),
    ],
)
class IndicatorListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = IndicatorSerializer

    def get_queryset(self) -> QuerySet[Indicator]:
        params = self.request.query_params
        subject = params.get("subject", "")
        if subject and subject not in Subject.values:
            raise ValidationFailed(fields={"subject": [_("Unknown subject.")]})
        return selectors.indicator_list(
            query=params.get("q", "").strip()[:100],
            subject=subject,
            department=params.get("department", "").strip()[:32],
        )


NOT_FOUND = OpenApiResponse(description="No such indicator (or a draft).")


@extend_schema(
    tags=TAGS, summary="Show an indicator", responses={200: IndicatorSerializer, 404: NOT_FOUND}
)
class IndicatorDetailApi(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = IndicatorSerializer

    def get_object(self) -> Indicator:
        user = self.request.user if self.request.user.is_authenticated else None
        return selectors.indicator_get(code=self.kwargs["code"], actor=user)


@extend_schema(
    tags=TAGS,
    summary="List an indicator's figures (time series)",
    description="By region then period. `region` (repeatable) keeps those region codes; "
    "`from` and `to` are periods (2025, 2025Q3 or 2025-09) bounding the range. A malformed "
    "period is a 400 naming `period_from` or `period_to`.",
    parameters=[
        OpenApiParameter("region", OpenApiTypes.STR, many=True),
        OpenApiParameter("from", OpenApiTypes.STR),
        OpenApiParameter("to", OpenApiTypes.STR),
    ],
    responses={200: ObservationSerializer(many=True), 404: NOT_FOUND},
    examples=[
        OpenApiExample(
            "GDP of the city",
            response_only=True,
            value={
                "count": 1,
                "next": None,
                "previous": None,
                "results": [
                    {
                        "region_code": "990100",
                        "period": "2024",
                        "period_start": "2024-01-01",
                        "period_end": "2024-12-31",
                        "value": "7012.35",
                        "status": "final",
                        "version": 2,
                        "note": "",
                        "source": "示范市统计年鉴2025",
                        "source_reference": "表3-1",
                        "written_at": "2025-03-20T09:00:00+08:00",
                    }
                ],
            },
        )
    ],
)
class IndicatorObservationListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = ObservationSerializer
    queryset = Observation.objects.none()  # for the schema

    def _indicator(self) -> Indicator:
        if not hasattr(self, "_found"):
            user = self.request.user if self.request.user.is_authenticated else None
            self._found = selectors.indicator_get(code=self.kwargs["code"], actor=user)
        return self._found

    def get_queryset(self) -> QuerySet[Observation]:
        params = self.request.query_params
        filters = SeriesFilters(
            regions=tuple(code[:12] for code in params.getlist("region")[:50] if code),
            period_from=params.get("from", "").strip()[:10],
            period_to=params.get("to", "").strip()[:10],
        )
        return selectors.observation_series(indicator=self._indicator(), filters=filters)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if "code" in getattr(self, "kwargs", {}):
            context["indicator"] = self._indicator()
        return context
