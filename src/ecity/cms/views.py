"""Views of the sub-sites outside Wagtail: the anti-tampering overview for operators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ecity.cms.models import IntegrityRecord
from ecity.org.selectors import is_platform_admin


@login_required
def integrity_overview(request: HttpRequest) -> HttpResponse:
    """Platform administrators: each live page's signed record, last check and restorations."""
    if not is_platform_admin(user=request.user):
        raise PermissionDenied
    records = IntegrityRecord.objects.select_related("page").order_by("-restored_count", "-signed_at")[:200]
    return render(request, "cms/integrity.html", {"records": records})
