from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """The portal home page. STUB: to be completed with themes, life events, departments."""
    return render(request, "portal/home.html", {})
