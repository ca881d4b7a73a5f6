"""Public pages of the registry (zh-Hans, English): metadata (data elements, code lists) and the
information resource catalogue with its exports and open data."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from ecity.core.errors import NotFound
from ecity.identity.models import User
from ecity.registry import resource_exports
from ecity.registry.models import Resource
from ecity.registry.selectors import metadata as selectors
from ecity.registry.selectors import resources as resource_selectors
from ecity.registry.selectors.resources import FACET_CHOICES, CatalogueFilters

ELEMENTS_PER_PAGE = 50
CODES_PER_PAGE = 100
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSONLD_TYPE = "application/ld+json; charset=utf-8"
TURTLE_TYPE = "text/turtle; charset=utf-8"


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


# The information resource catalogue (政务信息资源目录) and its open part.

RESOURCES_PER_PAGE = 20
FACET_TITLES = {
    "department": gettext_lazy("Department"),
    "subject": gettext_lazy("Subject"),
    "share_type": gettext_lazy("Share type"),
    "open_type": gettext_lazy("Open type"),
    "resource_format": pgettext_lazy("resource", "Format"),
    "update_cycle": gettext_lazy("Update cycle"),
}


def _catalogue_filters(request: HttpRequest) -> CatalogueFilters:
    get = request.GET
    return CatalogueFilters(
        query=get.get("q", "").strip()[:100],
        **{name: get.get(name, "").strip()[:100] for name in FACET_CHOICES},
    )


def _query_with(request: HttpRequest, name: str, value: str) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    if value:
        params[name] = value
    else:
        params.pop(name, None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@require_GET
def resource_list(request: HttpRequest) -> HttpResponse:
    """The published catalogue: search by name, narrow by facets, with counts."""
    filters = _catalogue_filters(request)
    errors = filters.invalid_fields()
    resources = resource_selectors.resource_catalogue(filters=filters)
    if errors:
        resources = resources.none()
    facets = resource_selectors.resource_facets(resources=resources, filters=filters)
    for facet in facets:
        facet.title = str(FACET_TITLES[facet.name])
        for value in facet.values:
            value.url = _query_with(request, facet.name, "" if value.is_selected else value.value)
    page = Paginator(resources, RESOURCES_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "facets": facets,
        "errors": errors,
        "page_query": params.urlencode(),
        "is_filtered": any(getattr(filters, n) for n in ("query", *FACET_CHOICES)),
    }
    status = 400 if errors else 200
    return render(request, "registry/resource_list.html", context, status=status)


@require_GET
def resource_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One published resource with its information items, sharing and open-data attributes."""
    try:
        resource = resource_selectors.resource_published_get(code=code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "registry/resource_detail.html", {"resource": resource})


def _attachment(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def resource_export(request: HttpRequest, export_format: str) -> HttpResponse:
    """The published catalogue as CSV or Excel (headings in the page's language)."""
    resources = resource_selectors.resource_export_list()
    if export_format == "csv":
        return _attachment(
            resource_exports.catalogue_csv(resources), CSV_TYPE, "resource-catalogue.csv"
        )
    return _attachment(
        resource_exports.catalogue_xlsx(resources), XLSX_TYPE, "resource-catalogue.xlsx"
    )


@require_GET
def resource_dcat(request: HttpRequest, export_format: str) -> HttpResponse:
    """The published catalogue as DCAT-AP 3, in JSON-LD or Turtle."""
    from ecity.registry import dcat  # imported here: only this export needs rdflib

    resources = resource_selectors.resource_export_list()
    if export_format == "jsonld":
        return HttpResponse(dcat.catalogue_jsonld(resources), content_type=JSONLD_TYPE)
    return HttpResponse(dcat.catalogue_turtle(resources), content_type=TURTLE_TYPE)


@require_GET
def open_data_list(request: HttpRequest) -> HttpResponse:
    """The resources open without condition (无条件开放), with their downloads."""
    resources = resource_selectors.resource_open_list()
    return render(request, "registry/open_data_list.html", {"resources": resources})


def _open_resource(code: str) -> Resource:
    try:
        return resource_selectors.resource_open_get(code=code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_GET
def open_data_metadata(request: HttpRequest, code: str, export_format: str) -> HttpResponse:
    """An open resource's metadata: its items as CSV, or everything as JSON."""
    resource = _open_resource(code)
    if export_format == "csv":
        return _attachment(
            resource_exports.resource_metadata_csv(resource), CSV_TYPE, f"{code}-metadata.csv"
        )
    return JsonResponse(
        resource_exports.resource_metadata(resource), json_dumps_params={"ensure_ascii": False}
    )


@require_GET
def open_data_values(request: HttpRequest, code: str) -> HttpResponse:
    """The values of the code list an open resource publishes, as CSV."""
    resource = _open_resource(code)
    if resource.code_list is None:
        raise Http404(_("This resource is not a code list."))
    values = selectors.code_value_list(code_list=resource.code_list)
    return _attachment(resource_exports.code_values_csv(values), CSV_TYPE, f"{code}-values.csv")
