"""What information disclosure offers to the one search: catalogue entries (主动公开目录)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.utils.translation import gettext_lazy as _

from ecity.disclosure.models import CatalogueEntry
from ecity.disclosure.services.catalogue import SEARCH_SOURCE, entry_sources_searched_elsewhere
from ecity.search.sources import SearchDocument, SearchSource, register_source


def load(keys: Sequence[str]) -> Mapping[str, SearchDocument]:
    """The documents of the catalogue entries ``keys`` (ids); withdrawn ones are left out, and so
    are those that mirror a page or service search finds already (no result twice)."""
    ids = [int(k) for k in keys if str(k).isdigit()]
    documents = {}
    entries = CatalogueEntry.objects.filter(pk__in=ids).exclude(
        source__in=entry_sources_searched_elsewhere()
    )
    for entry in entries.select_related("department"):
        category = entry.get_category_display()
        documents[str(entry.pk)] = SearchDocument(
            title=entry.title,
            body=" ".join(filter(None, [entry.document_number, str(category)])),
            url=entry.url,
            kind="disclosure",
            department_code=entry.department.code,
            department_name=entry.department.name_zh,
            published_at=entry.published_at,
            keywords=(str(category),),
        )
    return documents


def all_keys() -> Iterable[str]:
    """Every entry in the catalogue (all of it is public) that search does not find otherwise."""
    entries = CatalogueEntry.objects.exclude(source__in=entry_sources_searched_elsewhere())
    return (str(pk) for pk in entries.values_list("pk", flat=True).iterator())


register_source(
    SearchSource(
        name=SEARCH_SOURCE,
        load=load,
        all_keys=all_keys,
        kinds={"disclosure": _("Government information disclosure")},
    )
)
