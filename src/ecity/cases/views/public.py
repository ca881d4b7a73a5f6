"""Public pages without login: track a case with its query code; published results."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from ecity.cases.selectors import public as selectors
from ecity.cases.views.applicant_forms import LookupForm, ResultFilterForm
from ecity.core.errors import NotFound
from ecity.core.middleware import response_private
from ecity.core.ratelimit import client_ip

PAGE_SIZE = 20


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Track a case with its number and query code (POST keeps the code out of URLs and logs)."""
    form = LookupForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["number"].strip()
        if not selectors.lookup_ip_allow(client_ip(request)) or selectors.lookup_number_locked(
            number
        ):
            return render(request, "cases/public/rate_limited.html", status=429)
        try:
            result = selectors.case_lookup(
                number=number, query_code=form.cleaned_data["query_code"]
            )
        except NotFound as error:
            selectors.lookup_failure_record(number)
            form.add_error(None, error.message)
    response = render(request, "cases/public/lookup.html", {"form": form, "result": result})
    # Anonymous, but a found case is the applicant's own data: never cached.
    return response_private(response)


@require_GET
def results(request: HttpRequest) -> HttpResponse:
    """Published results of decided cases (办理结果公开), without personal data."""
    form = ResultFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    page = Paginator(selectors.published_results(**filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = selectors.public_result_rows(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/public/results.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )
