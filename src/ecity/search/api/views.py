"""The public search API: one search over every public document, and suggestions."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.core.api import ERROR_ENVELOPE_SCHEMA
from ecity.search.api.serializers import SearchResultSerializer, SuggestionsSerializer
from ecity.search.selectors import search_params_parse, search_run, search_suggest

TAGS = ["search"]

PARAMETERS = [
    OpenApiParameter(
        "q",
        {"type": "string", "maxLength": 100},
        required=True,
        description="Words (at most 100 characters); Chinese, pinyin or initials (sfz).",
    ),
    OpenApiParameter(
        "kind",
        {"type": "string", "maxLength": 100},
        description="Content types (facet values of `kind`), comma-separated (or repeated).",
    ),
    OpenApiParameter(
        "department", {"type": "string", "maxLength": 64}, description="A department code."
    ),
    OpenApiParameter("audience", {"type": "string", "enum": ["g2c", "g2b", "g2g"]}),
    OpenApiParameter("from", OpenApiTypes.DATE, description="Published on or after."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Published on or before."),
    OpenApiParameter(
        "page",
        {"type": "integer", "minimum": 1, "maximum": 100},
        description="1 to 100; 10 hits a page.",
    ),
]


@extend_schema(
    tags=TAGS,
    summary="Search every public document (services, guides, content, answers, data)",
    parameters=PARAMETERS,
    responses={
        200: SearchResultSerializer,
        400: OpenApiResponse(
            ERROR_ENVELOPE_SCHEMA,
            description="A parameter is not valid: messages by field.",
            examples=[
                OpenApiExample(
                    "Empty query",
                    value={
                        "code": "validation_failed",
                        "message": "部分字段无效，请更正后重试。",
                        "fields": {"q": ["请输入要查找的内容。"]},
                    },
                )
            ],
        ),
    },
)
class SearchApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        result = search_run(params=search_params_parse(request.query_params))
        return Response(SearchResultSerializer(result).data)


@extend_schema(
    tags=TAGS,
    summary="Suggestions as you type: titles and words starting with the prefix or its pinyin",
    parameters=[
        OpenApiParameter(
            "prefix",
            {"type": "string", "maxLength": 50},
            required=True,
            description="What the user typed so far (at most 50 characters).",
        ),
    ],
    responses={200: SuggestionsSerializer},
)
class SuggestApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        prefix = str(request.query_params.get("prefix", ""))
        return Response({"prefix": prefix, "suggestions": search_suggest(prefix=prefix)})
