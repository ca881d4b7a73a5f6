"""Search's own dictionary provider: department names from org (a platform app below search)."""

from __future__ import annotations

from collections.abc import Iterator

from ecity.org.models import Department
from ecity.search.sources import register_dictionary


def department_names() -> Iterator[str]:
    """Full and short names of the active departments."""
    for name, short in Department.objects.filter(is_active=True).values_list(
        "name_zh", "short_name"
    ):
        yield name
        if short:
            yield short


register_dictionary("org.department_names", department_names)
