"""HTTP endpoints of the Open311 GeoReport v2 server: parse the query, call the selector or
service, answer in XML or JSON; errors in the specification's ``<errors>`` form.

No session, cookie or CSRF token: reads are public, and a POST authenticates with its
``api_key`` alone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from ecity.core.errors import ApplicationError, ValidationFailed
from ecity.hotline.open311 import formats, selectors, services

View = Callable[..., HttpResponse]
CONTACT = "12345 热线中心 (12345 Hotline Centre)"
KEY_SERVICE = "API keys are issued by the platform administrators of the 12345 hotline centre."
CHANGESET = "2024-05-01T00:00:00+08:00"


def _descriptions(error: ApplicationError) -> list[str]:
    if error.fields:
        return [
            f"{name}: {message}" for name, messages in error.fields.items() for message in messages
        ]
    return [str(error.message)]


def open311_view(view: View) -> View:
    """Turn the domain errors of ``view`` into Open311 error answers in the asked format."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        # Outside the language-prefixed pages: the client's Accept-Language chooses (zh-Hans
        # by default) the names of services and the error messages.
        with translation.override(translation.get_language_from_request(request)):
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except ApplicationError as error:
                return formats.respond_errors(
                    fmt, status=error.status_code, descriptions=_descriptions(error)
                )

    return wrapper


@require_GET
@open311_view
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """Service discovery: where the GeoReport v2 endpoint is and which formats it speaks."""
    root = request.build_absolute_uri(reverse("open311:root"))
    data = {
        "changeset": CHANGESET,
        "contact": CONTACT,
        "key_service": KEY_SERVICE,
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": root.rstrip("/"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return formats.respond(fmt, root="discovery", data=data)


@require_GET
@open311_view
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    data = [selectors.service_data(category) for category in selectors.service_list()]
    return formats.respond(fmt, root="services", data=data)


@require_GET
@open311_view
def service_definition(request: HttpRequest, *, fmt: str, code: str) -> HttpResponse:
    category = selectors.service_get(code=code)
    return formats.respond(
        fmt, root="service_definition", data=selectors.service_definition_data(category)
    )


def _attributes(post: Any) -> dict[str, list[str]]:
    """``attribute[code]=v`` (and ``attribute[code][]=v`` for lists) as code -> values."""
    attributes: dict[str, list[str]] = {}
    for name in post:
        if not (name.startswith("attribute[") and name.endswith("]")):
            continue
        code = name[len("attribute[") :].removesuffix("[]").rstrip("]")
        attributes.setdefault(code, []).extend(post.getlist(name))
    return attributes


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    post = request.POST
    client = services.open311_client_authenticate(api_key=post.get("api_key", ""))
    if not post.get("service_code", "").strip():
        raise ValidationFailed(fields={"service_code": [_("Give the service_code.")]})
    created = services.open311_request_submit(
        client=client,
        data=services.Open311Input(
            service_code=post.get("service_code", ""),
            **{
                name: post.get(name, "")
                for name in (
                    "lat",
                    "long",
                    "address_string",
                    "address_id",
                    "email",
                    "device_id",
                    "account_id",
                    "first_name",
                    "last_name",
                    "phone",
                    "description",
                    "media_url",
                )
            },
            attributes=_attributes(post),
        ),
    )
    data = [
        {
            "service_request_id": created.ticket.number,
            "token": created.token,
            "service_notice": "",
            "account_id": created.account_id,
        }
    ]
    return formats.respond(fmt, root="service_requests", data=data)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311_view
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """GET: search public service requests. POST: submit one (needs ``api_key``)."""
    if request.method == "POST":
        return _create(request, fmt)
    query = request.GET
    filters = selectors.RequestFilters(
        **{name: query.get(name, "") for name in selectors.RequestFilters.__dataclass_fields__}
    )
    tickets = selectors.request_list(filters=filters)
    return formats.respond(
        fmt, root="service_requests", data=[selectors.request_data(t) for t in tickets]
    )


@require_GET
@open311_view
def request_detail(request: HttpRequest, *, fmt: str, number: str) -> HttpResponse:
    ticket = selectors.request_get(number=number)
    return formats.respond(fmt, root="service_requests", data=[selectors.request_data(ticket)])


@require_GET
@open311_view
def token_detail(request: HttpRequest, *, fmt: str, token: str) -> HttpResponse:
    found = selectors.token_get(token=token)
    data = [{"service_request_id": found.ticket.number, "token": found.token}]
    return formats.respond(fmt, root="service_requests", data=data)


@require_GET
@open311_view
def request_updates(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """mySociety's extension: recent public updates of public service requests."""
    updates = selectors.update_list(
        start_date=request.GET.get("start_date", ""), end_date=request.GET.get("end_date", "")
    )
    return formats.respond(fmt, root="service_request_updates", data=updates)
