from django.conf import settings
from django.http import HttpRequest

from ecity.core.languages import city_name


def platform(request: HttpRequest) -> dict[str, object]:
    """Values every page template needs: the city's name (in the page's language), the site,
    and whether the reader chose the large-text, high-contrast display."""
    large = request.COOKIES.get("ecity_display") == "large"  # 适老化 (core.views.display_mode)
    return {
        "city_name": city_name(),
        "site_url": settings.ECITY_SITE_URL,
        "display_large": large,
    }
