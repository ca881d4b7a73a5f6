from django.conf import settings
from django.http import HttpRequest

from ecity.core.languages import city_name


def platform(request: HttpRequest) -> dict[str, object]:
    """Values every page template needs: the city's name (in the page's language), the site."""
    return {"city_name": city_name(), "site_url": settings.ECITY_SITE_URL}
