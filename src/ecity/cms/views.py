"""Views of the sub-sites outside Wagtail's page serving: feeds, policy PDF, integrity overview."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ecity.cms.feeds import AtomFeed, RssFeed, json_feed
from ecity.cms.models import IntegrityRecord, PolicyPage
from ecity.cms.printing import policy_pdf_response
from ecity.cms.selectors import public_pages
from ecity.org.selectors import is_platform_admin


def page_feed(request: HttpRequest, page_id: int, kind: str) -> HttpResponse:
    """A list page's (column, sub-site, city home) newest pages as JSON, RSS or Atom."""
    page = public_pages().filter(pk=page_id).first()
    if page is None:
        raise Http404
    page = page.specific
    if kind == "json":
        return json_feed(request, page=page)
    if kind == "rss":
        return RssFeed()(request, page=page)
    if kind == "atom":
        return AtomFeed()(request, page=page)
    raise Http404


def policy_print(request: HttpRequest, page_id: int) -> HttpResponse:
    """A live, public policy document as a printable PDF."""
    page = PolicyPage.objects.filter(pk__in=public_pages().filter(pk=page_id)).first()
    if page is None:
        raise Http404
    return policy_pdf_response(page=page)


@login_required
def integrity_overview(request: HttpRequest) -> HttpResponse:
    """Platform administrators: each live page's signed record, last check and restorations."""
    if not is_platform_admin(user=request.user):
        raise PermissionDenied
    records = IntegrityRecord.objects.select_related("page").order_by(
        "-restored_count", "-signed_at"
    )[:200]
    return render(request, "cms/integrity.html", {"records": records})
