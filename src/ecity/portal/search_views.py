"""The one search page: results as HTML (facets, highlighting, pages, "did you mean",
suggestions), JSON (``?format=json``) and RSS (``?format=rss``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ecity.core.errors import ValidationFailed
from ecity.core.forms import add_application_error
from ecity.portal.forms import SearchForm
from ecity.search.api.serializers import SearchResultSerializer
from ecity.search.selectors import SearchResult, search_params_parse, search_run, search_suggest

FORMATS = {"html", "json", "rss"}


def _params(request: HttpRequest) -> QueryDict:
    data = request.GET.copy()
    for api_name, form_name in SearchForm.RENAME.items():
        if form_name in data and api_name not in data:
            data[api_name] = data[form_name]
    return data


def _rss(request: HttpRequest, result: SearchResult) -> HttpResponse:
    feed = Rss201rev2Feed(
        title=_("Search results for “%(q)s”") % {"q": result.params.q},
        link=request.build_absolute_uri(),
        description=_("The newest public documents that match “%(q)s”.") % {"q": result.params.q},
        language="zh-cn",
    )
    for hit in result.hits:
        feed.add_item(
            title=hit.title,
            link=request.build_absolute_uri(hit.url),
            description=hit.snippet_html,
            pubdate=hit.published_at,
            categories=[hit.kind_label],
        )
    response = HttpResponse(content_type="application/rss+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Search everything public; an empty query shows the form only."""
    output = request.GET.get("format", "html")
    if output not in FORMATS:
        output = "html"
    form = SearchForm(request.GET or None)
    result = None
    status = 200
    if request.GET.get("q") is not None or output != "html":
        try:
            result = search_run(params=search_params_parse(_params(request)))
        except ValidationFailed as error:
            status = 400
            if output == "json":
                return JsonResponse(
                    {"code": error.code, "message": error.message, "fields": error.fields},
                    status=400,
                )
            if output == "rss":
                return HttpResponse(error.message, status=400, content_type="text/plain")
            form.is_valid()
            add_application_error(form, error, rename=SearchForm.RENAME)
    if result is not None and output == "json":
        return JsonResponse(
            SearchResultSerializer(result).data, json_dumps_params={"ensure_ascii": False}
        )
    if result is not None and output == "rss":
        return _rss(request, result)
    suggestions = (
        search_suggest(prefix=request.GET.get("q", "")) if result and not result.total else []
    )
    return render(
        request,
        "portal/search.html",
        {
            "form": form,
            "result": result,
            "suggestions": suggestions,
            "selected_kinds": request.GET.getlist("kind"),
            "suggest_url": reverse("search-api:suggest"),
        },
        status=status,
    )
