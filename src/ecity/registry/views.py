"""Public pages of the registry's metadata: data elements and code lists (zh-Hans, English)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ecity.core.errors import NotFound
from ecity.identity.models import User
from ecity.registry.selectors import metadata as selectors

ELEMENTS_PER_PAGE = 50
CODES_PER_PAGE = 100


def _actor(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


@require_GET
def data_element_list(request: HttpRequest) -> HttpResponse:
    """The data elements (in force and withdrawn; drafts for maintainers), searchable."""
    query = request.GET.get("q", "").strip()[:100]
    elements = selectors.data_element_list(actor=_actor(request), query=query)
    page = Paginator(elements, ELEMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "registry/data_element_list.html", {"page": page, "query": query})


@require_GET
def data_element_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    """One data element with its value domain and authoritative department."""
    try:
        element = selectors.data_element_visible_get(actor=_actor(request), identifier=identifier)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "registry/data_element_detail.html", {"element": element})


@require_GET
def code_list_list(request: HttpRequest) -> HttpResponse:
    """Every code list with its standard and number of codes."""
    return render(
        request, "registry/code_list_list.html", {"code_lists": selectors.code_list_list()}
    )


@require_GET
def code_list_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    """The codes of one code list, in order, with their validity."""
    try:
        code_list = selectors.code_list_get(identifier=identifier)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    values = selectors.code_value_list(code_list=code_list)
    page = Paginator(values, CODES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "registry/code_list_detail.html", {"code_list": code_list, "page": page})
