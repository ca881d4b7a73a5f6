"""What the service catalogue offers the one search: each published service item with its guide.

Only active items with a published version are offered (drafts and withdrawn items never);
``catalogue.services.version_publish`` schedules the item's reindex in its transaction. Service
names also feed search's user dictionary (kept whole by segmentation).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ecity.catalogue.models import ServiceItem, ServiceItemVersion
from ecity.catalogue.selectors import PUBLISHED
from ecity.search.sources import SearchDocument, SearchSource, register_dictionary, register_source

SOURCE = "catalogue.service"


def _guide_text(version: ServiceItemVersion) -> str:
    parts = [
        version.summary_zh,
        version.conditions,
        version.process_description,
        version.result_description,
        version.legal_basis,
        version.fee_description,
        *(m.name_zh for m in version.materials.all()),
        *(f"{f.question} {f.answer}" for f in version.faqs.all()),
    ]
    return "\n".join(p for p in parts if p)


def load(keys: Sequence[str]) -> dict[str, SearchDocument]:
    """Documents for the published, active items among ``keys`` (item codes)."""
    items = (
        ServiceItem.objects.filter(code__in=list(keys), is_active=True)
        .filter(current_version__status=PUBLISHED)
        .select_related("department", "current_version")
        .prefetch_related(
            "current_version__materials",
            "current_version__faqs",
            "current_version__themes",
            "current_version__life_events",
        )
    )
    documents = {}
    with translation.override(settings.LANGUAGE_CODE):
        for item in items:
            version = item.current_version
            if version is None:
                continue
            keywords = [t.name_zh for t in version.themes.all()]
            keywords += [e.name_zh for e in version.life_events.all()]
            if version.name_en:
                keywords.append(version.name_en)
            documents[item.code] = SearchDocument(
                title=version.name_zh,
                body=_guide_text(version),
                summary=version.summary_zh,
                url=reverse("catalogue:item_detail", kwargs={"code": item.code}),
                kind="service",
                department_code=item.department.code,
                department_name=item.department.name_zh,
                audiences=tuple(version.audiences),
                published_at=version.published_at,
                keywords=tuple(keywords),
                popularity=float(item.recent_applications),
            )
    return documents


def all_keys() -> Iterator[str]:
    """Codes of every published, active item."""
    return (
        ServiceItem.objects.filter(is_active=True, current_version__status=PUBLISHED)
        .values_list("code", flat=True)
        .iterator()
    )


def service_names() -> Iterator[str]:
    """Names of the published services (user dictionary words)."""
    return (
        ServiceItemVersion.objects.filter(status=PUBLISHED)
        .values_list("name_zh", flat=True)
        .iterator()
    )


register_source(
    SearchSource(name=SOURCE, load=load, all_keys=all_keys, kinds={"service": _("Services")})
)
register_dictionary("catalogue.service_names", service_names)
