"""Public pages of proactive disclosure: departments, a department's guide and catalogue by
category (HTML, JSON, RSS), and the published annual reports (HTML, PDF)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ecity.core.errors import NotFound
from ecity.disclosure.models import Category
from ecity.disclosure.report_pdf import proactive_rows, report_pdf, request_rows, review_rows
from ecity.disclosure.selectors import catalogue as selectors
from ecity.org.models import Department

PAGE_SIZE = 30
FEED_SIZE = 50


def _department(code: str) -> Department:
    department = Department.objects.filter(code=code, is_active=True).first()
    if department is None:
        raise Http404()
    return department


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Information disclosure: departments, the request form, lookup, reports."""
    return render(
        request,
        "disclosure/index.html",
        {
            "departments": selectors.departments_with_catalogue(),
            "reports": selectors.reports_published()[:20],
        },
    )


@require_GET
def department_catalogue(request: HttpRequest, code: str, fmt: str = "html") -> HttpResponse:
    """A department's guide and catalogue, filtered by ``?category=``; JSON and RSS too."""
    department = _department(code)
    category = request.GET.get("category", "")
    entries = selectors.catalogue_entries(department=department, category=category)
    if fmt == "json":
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        return JsonResponse(
            {
                "department": {"code": department.code, "name": department.name_zh},
                "category": category if category in Category.values else None,
                "count": page.paginator.count,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "results": [
                    {
                        "title": e.title,
                        "category": e.category,
                        "category_label": str(e.get_category_display()),
                        "document_number": e.document_number,
                        "url": request.build_absolute_uri(e.url),
                        "published_at": e.published_at.isoformat(),
                    }
                    for e in page
                ],
            },
            json_dumps_params={"ensure_ascii": False},
        )
    if fmt == "rss":
        link = request.build_absolute_uri(
            reverse("disclosure:department", kwargs={"code": department.code})
        )
        feed = Rss201rev2Feed(
            title=_("%(department)s: government information disclosure")
            % {"department": department.name_zh},
            link=link,
            description=_("The disclosure catalogue of %(department)s")
            % {"department": department.name_zh},
            language="zh-cn",
        )
        for entry in entries[:FEED_SIZE]:
            feed.add_item(
                title=entry.title,
                link=request.build_absolute_uri(entry.url),
                description=" ".join(
                    filter(None, [str(entry.get_category_display()), entry.document_number])
                ),
                pubdate=entry.published_at,
                unique_id=f"{entry.source}:{entry.key}",
            )
        return HttpResponse(
            feed.writeString("utf-8"), content_type="application/rss+xml; charset=utf-8"
        )
    return render(
        request,
        "disclosure/department.html",
        {
            "department": department,
            "guide": selectors.guide_of(department=department),
            "categories": selectors.category_counts(department=department),
            "category": category if category in Category.values else "",
            "page": Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page")),
            "reports": selectors.reports_published(department=department),
        },
    )


@require_GET
def report_detail(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """A published annual report."""
    try:
        report = selectors.report_published_get(department=_department(code), year=year)
    except NotFound:
        raise Http404() from None
    return render(
        request,
        "disclosure/report.html",
        {
            "report": report,
            "proactive": proactive_rows(report),
            "requests": request_rows(report),
            "reviews": review_rows(report),
        },
    )


@require_GET
def report_download(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """A published annual report as PDF."""
    try:
        report = selectors.report_published_get(department=_department(code), year=year)
    except NotFound:
        raise Http404() from None
    response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{code}-{year}.pdf"'
    return response
