"""Pages of the places registry: the staff address lookup, public region pages and the region
boundaries as open data (GeoJSON)."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ecity.core.errors import NotFound, PermissionDenied
from ecity.org.models import Region
from ecity.registry.attributes import value_shown
from ecity.registry.models import Address
from ecity.registry.selectors import places as selectors

GEOJSON_TYPE = "application/geo+json; charset=utf-8"
ADDRESSES_PER_PAGE = 50


def _geojson(data: object, filename: str) -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type=GEOJSON_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: any map may load it
    return response


@login_required
@require_GET
def address_list(request: HttpRequest) -> HttpResponse:
    """Staff look addresses up by code or words and by region."""
    text = request.GET.get("q", "").strip()[:200]
    region_code = request.GET.get("region", "").strip()[:12]
    status = request.GET.get("status", "")
    if status not in Address.Status.values:
        status = ""
    try:
        addresses = selectors.address_search(
            actor=request.user, text=text, region_code=region_code, status=status
        )
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    searched = bool(text or region_code or status)
    page = Paginator(addresses if searched else Address.objects.none(), ADDRESSES_PER_PAGE)
    return render(
        request,
        "registry/address_list.html",
        {
            "page": page.get_page(request.GET.get("page")),
            "query": text,
            "region": region_code,
            "status": status,
            "searched": searched,
            "regions": Region.objects.filter(code__regex=r"^\d{6}$").order_by("code"),
            "statuses": Address.Status.choices,
        },
    )


@login_required
@require_GET
def address_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One address for staff: its values with their provenance, open conflicts, history and
    whether its coordinates lie inside its region's boundary."""
    try:
        detail = selectors.address_detail(actor=request.user, code=code)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except NotFound as exc:
        raise Http404(exc.message) from exc
    changes = [
        (
            change,
            value_shown(kind="address", attribute=change.attribute, text=change.old_value),
            value_shown(kind="address", attribute=change.attribute, text=change.new_value),
        )
        for change in detail.changes
    ]
    return render(
        request,
        "registry/address_detail.html",
        {"detail": detail, "address": detail.address, "changes": changes},
    )


@require_GET
def region_list(request: HttpRequest) -> HttpResponse:
    """The regions with a boundary, and "which region is this point in"."""
    boundaries = list(selectors.boundaries_current())
    located = None
    errors: dict[str, str] = {}
    longitude = request.GET.get("longitude", "").strip()
    latitude = request.GET.get("latitude", "").strip()
    if longitude or latitude:
        point = _point(longitude, latitude, errors)
        if point is not None:
            located = selectors.regions_at(longitude=point[0], latitude=point[1])
    return render(
        request,
        "registry/region_list.html",
        {
            "boundaries": boundaries,
            "located": located,
            "errors": errors,
            "longitude": longitude,
            "latitude": latitude,
        },
    )


def _point(longitude: str, latitude: str, errors: dict[str, str]) -> tuple[float, float] | None:
    values = []
    for name, raw, limit in (("longitude", longitude, 180), ("latitude", latitude, 90)):
        try:
            value = float(raw)
        except ValueError:
            errors[name] = _("Enter decimal degrees, e.g. 120.153576.")
            continue
        if not -limit <= value <= limit:
            errors[name] = _("Between -%(limit)s and %(limit)s degrees.") % {"limit": limit}
            continue
        values.append(value)
    return (values[0], values[1]) if not errors else None


@require_GET
def region_detail(request: HttpRequest, region_code: str) -> HttpResponse:
    """A region's public page: name, parent, boundary source and its GeoJSON download."""
    boundary = selectors.boundary_get(region_code=region_code)
    region = Region.objects.filter(code=region_code).select_related("parent").first()
    if boundary is None and region is None:
        raise Http404(_("There is no such region."))
    return render(
        request,
        "registry/region_detail.html",
        {"boundary": boundary, "region": region, "region_code": region_code},
    )


@require_GET
def boundaries_geojson(request: HttpRequest) -> HttpResponse:
    """Open data: every current region boundary as one GeoJSON FeatureCollection."""
    data = selectors.boundaries_geojson(boundaries=list(selectors.boundaries_current()))
    return _geojson(data, "region-boundaries.geojson")


@require_GET
def boundary_geojson(request: HttpRequest, region_code: str) -> HttpResponse:
    """Open data: one region's current boundary as a GeoJSON FeatureCollection."""
    boundary = selectors.boundary_get(region_code=region_code)
    if boundary is None:
        raise Http404(_("This region has no boundary."))
    data = selectors.boundaries_geojson(boundaries=[boundary])
    return _geojson(data, f"region-{region_code}.geojson")
