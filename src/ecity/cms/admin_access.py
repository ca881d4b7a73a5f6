"""How editors enter the Wagtail admin, and what of Wagtail's own account handling is closed.

Wagtail brings its own login form, user and group pages and account settings. Each would go
around ecity's rules, so each is replaced here (and routed before Wagtail's URLs in
``ecity.conf.urls``):

- the login form would skip the lock-out, the second factor and the staff time-outs: editors
  log in through ecity's login page, which sends them back;
- the user and group pages would change accounts and rights without the identity services and
  their audit: they do not exist (groups follow the org roles, ``services.permissions``);
- the account page would change names and e-mail without re-authentication: it is ecity's
  profile page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from ecity.core.redirects import safe_redirect_url

# Wagtail's admin menu items that lead to its account management (hidden by the hook below).
CLOSED_MENU_ITEMS = frozenset({"users", "groups"})


def admin_login(request: HttpRequest) -> HttpResponse:
    """Wagtail's login URL: to ecity's login page, which returns to the admin."""
    home = reverse("wagtailadmin_home")
    if request.user.is_authenticated:
        if request.user.has_perm("wagtailadmin.access_admin"):
            return HttpResponseRedirect(home)
        # Signed in without the right to the admin: the login page would loop back here.
        raise PermissionDenied
    target = safe_redirect_url(request, request.GET.get("next"), fallback=home)
    return HttpResponseRedirect(f"{reverse('identity:login')}?{urlencode({'next': target})}")


def account_settings(request: HttpRequest) -> HttpResponse:
    """Wagtail's account page: ecity's profile (changes there are re-authenticated, audited)."""
    return HttpResponseRedirect(reverse("identity:profile"))


def closed(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Wagtail's user and group pages: not offered (accounts and rights are ecity's)."""
    raise Http404
