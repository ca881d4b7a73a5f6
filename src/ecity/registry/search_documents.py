"""What the registry offers the one search: its published resource catalogue (open data among
it), the thesaurus labels as dictionary words, and query expansion by the thesaurus.

``registry.services.resources.publication`` schedules a resource's reindex whenever its
publication changes (published, revised, withdrawn); a withdrawn entry is not offered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ecity.registry.models import SubjectTerm
from ecity.registry.selectors.resources import resource_published_list
from ecity.registry.selectors.thesaurus import subject_terms_expand
from ecity.search.sources import (
    SearchDocument,
    SearchSource,
    register_dictionary,
    register_expander,
    register_source,
)

SOURCE = "registry.resource"


def load(keys: Sequence[str]) -> dict[str, SearchDocument]:
    """Documents for the published catalogue entries among ``keys`` (resource codes)."""
    documents = {}
    zone = timezone.get_default_timezone()
    with translation.override(settings.LANGUAGE_CODE):
        for resource in resource_published_list().filter(code__in=list(keys)):
            published = resource.published_on
            documents[resource.code] = SearchDocument(
                title=resource.name,
                body=resource.summary,
                summary=resource.summary,
                url=reverse("registry:resource_detail", kwargs={"code": resource.code}),
                kind="dataset",
                department_code=resource.provider.code,
                department_name=resource.provider.name_zh,
                published_at=(
                    dt.datetime.combine(published, dt.time(12), tzinfo=zone) if published else None
                ),
                keywords=tuple(s.term for s in resource.subjects.all()),
            )
    return documents


def all_keys() -> Iterator[str]:
    """Codes of every published catalogue entry."""
    return iter(list(resource_published_list().values_list("code", flat=True)))


def thesaurus_labels() -> Iterator[str]:
    """Every preferred term and synonym of the thesaurus (user dictionary words)."""
    for term, synonyms in SubjectTerm.objects.values_list("term", "synonyms"):
        yield term
        yield from (s for s in synonyms or [] if isinstance(s, str))


def expand(word: str) -> list[str]:
    """The thesaurus expansion of one query word (synonyms and narrower terms)."""
    return subject_terms_expand(query=word)


register_source(
    SearchSource(name=SOURCE, load=load, all_keys=all_keys, kinds={"dataset": _("Data resources")})
)
register_dictionary("registry.thesaurus", thesaurus_labels)
register_expander("registry.thesaurus", expand)
