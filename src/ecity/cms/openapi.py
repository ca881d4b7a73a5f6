"""OpenAPI: Wagtail's internal admin API (under /cms/admin/) is not part of ecity's API."""

from __future__ import annotations

from typing import Any


def exclude_wagtail_admin_api(endpoints: list[tuple[Any, ...]], **kwargs: Any) -> list[Any]:
    """drf-spectacular preprocessing hook: drop the endpoints of Wagtail's admin."""
    return [endpoint for endpoint in endpoints if not endpoint[0].startswith("/cms/admin/")]
