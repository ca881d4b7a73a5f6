"""Public knowledge-base API: ``GET /api/v1/hotline/knowledge/?q=`` (public articles only).

With ``q`` the articles are ranked as on the pages (title, then keyword, then body hits) and each
carries a plain-text snippet and the words that matched; without it, the public articles newest
first. ``region`` (a region code) leaves out other regions' articles; ``category`` (a category
code) keeps one category. Paginated like every list endpoint.
"""

from __future__ import annotations

from typing import Any

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from ecity.core.api import ERROR_ENVELOPE_SCHEMA, Pagination
from ecity.core.errors import ValidationFailed
from ecity.hotline.models import KnowledgeArticle
from ecity.hotline.selectors.knowledge import (
    SearchHit,
    article_search,
    published_articles,
)
from ecity.org.models import Region

MAX_SEARCH_HITS = 200


class KnowledgeCategoryOutput(serializers.Serializer):
    code = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()


class KnowledgeDepartmentOutput(serializers.Serializer):
    code = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()


class KnowledgeArticleOutput(serializers.Serializer):
    id = serializers.UUIDField(source="article.public_id")
    title = serializers.CharField(source="article.title")
    body = serializers.CharField(source="article.body")
    keywords = serializers.ListField(child=serializers.CharField(), source="article.keyword_list")
    category = KnowledgeCategoryOutput(source="article.category")
    department = KnowledgeDepartmentOutput(source="article.department")
    regions = serializers.SerializerMethodField(help_text="Region codes; empty = whole city.")
    valid_from = serializers.DateField(source="article.valid_from", allow_null=True)
    valid_until = serializers.DateField(source="article.valid_until", allow_null=True)
    published_at = serializers.DateTimeField(source="article.published_at")
    snippet = serializers.CharField(help_text="Plain text around the first match.")
    matched_words = serializers.ListField(child=serializers.CharField())
    score = serializers.IntegerField(allow_null=True, help_text="Rank; null without a query.")

    def get_regions(self, row: dict[str, Any]) -> list[str]:
        return [region.code for region in row["article"].regions.all()]


def _row(article: KnowledgeArticle, hit: SearchHit | None = None) -> dict[str, Any]:
    return {
        "article": article,
        "snippet": hit.snippet if hit else " ".join(article.body.split())[:120],
        "matched_words": hit.matched_words if hit else [],
        "score": hit.score if hit else None,
    }


EXAMPLE = OpenApiExample(
    "Search 噪音",
    response_only=True,
    value={
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": "5f0c7a8e-3f55-4f0e-9c1e-2d1f2a9b7c11",
                "title": "施工噪音扰民怎么办",
                "body": "夜间22时至次日6时在居民区施工，须取得夜间施工许可。",
                "keywords": ["噪声", "工地"],
                "category": {"code": "CX-03", "name_zh": "噪音扰民", "name_en": "Noise"},
                "department": {
                    "code": "CGJ",
                    "name_zh": "城市管理执法局",
                    "name_en": "Urban Management",
                },
                "regions": [],
                "valid_from": None,
                "valid_until": "2027-12-31",
                "published_at": "2026-12-01T09:00:00+08:00",
                "snippet": "夜间22时至次日6时在居民区施工，须取得夜间施工许可。",
                "matched_words": ["噪音"],
                "score": 10,
            }
        ],
    },
)


@extend_schema(
    tags=["hotline"],
    summary="Search the public knowledge base",
    description=__doc__,
    parameters=[
        OpenApiParameter("q", str, description="Search words (Chinese is segmented)."),
        OpenApiParameter("region", str, description="Region code of the caller's place."),
        OpenApiParameter("category", str, description="Category code."),
    ],
    responses={200: KnowledgeArticleOutput(many=True), 400: ERROR_ENVELOPE_SCHEMA},
    examples=[EXAMPLE],
)
class KnowledgeSearchApi(generics.GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = KnowledgeArticleOutput
    pagination_class = Pagination
    # For the schema's parameters only: ``get`` reads through the selectors.
    queryset = KnowledgeArticle.objects.none()

    def get(self, request: Request) -> Response:
        query = (request.query_params.get("q") or "").strip()[:200]
        region = None
        region_code = request.query_params.get("region")
        if region_code:
            region = Region.objects.filter(code=region_code).first()
            if region is None:
                raise ValidationFailed(fields={"region": [_("Unknown region code.")]})
        category = request.query_params.get("category") or ""
        if query:
            hits = article_search(
                query=query, public_only=True, region=region, limit=MAX_SEARCH_HITS
            )
            if category:
                hits = [h for h in hits if h.article.category.code == category]
            page = self.paginate_queryset(hits) or []
            rows = [_row(hit.article, hit) for hit in page]
        else:
            articles = published_articles(public_only=True, region=region).order_by(
                "-published_at", "-id"
            )
            if category:
                articles = articles.filter(category__code=category)
            rows = [_row(article) for article in self.paginate_queryset(articles) or []]
        prefetch_related_objects([row["article"] for row in rows], "regions")
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)
