from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, object]:
    """Values every page template needs: the city's name and the site address."""
    return {"city_name": settings.ECITY_CITY_NAME, "site_url": settings.ECITY_SITE_URL}
