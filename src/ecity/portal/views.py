"""Portal pages: the home page leading to the service catalogue and the account pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ecity.catalogue import selectors as catalogue_selectors
from ecity.catalogue.models import Audience
from ecity.portal import selectors


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The portal home: search, themes by audience, life events, departments, recent services."""
    context = {
        "citizen_themes": catalogue_selectors.theme_list(audience=Audience.CITIZENS),
        "enterprise_themes": catalogue_selectors.theme_list(audience=Audience.ENTERPRISES),
        "citizen_life_events": catalogue_selectors.life_event_list(audience=Audience.CITIZENS),
        "enterprise_life_events": catalogue_selectors.life_event_list(
            audience=Audience.ENTERPRISES
        ),
        "departments": catalogue_selectors.department_list_with_services(),
        "recent_items": selectors.recent_item_list(limit=6),
        "audiences": Audience.choices,
    }
    return render(request, "portal/home.html", context)


@require_safe
def interact(request: HttpRequest) -> HttpResponse:
    """互动交流: every way to reach the government besides applying for a service."""
    return render(request, "portal/interact.html")
