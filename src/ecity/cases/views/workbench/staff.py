"""Who enters the workbench (staff only), and what staff are told when someone else was faster."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from ecity.org.selectors import is_staff_member


def staff_required(view: Any) -> Any:
    """Logged-in staff only; others get 403."""

    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_staff_member(user=request.user):
            raise DjangoPermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def conflict_message() -> str:
    """What staff are told when someone else handled the task first."""
    return _("Someone else has already handled this task. Please reload the page.")
