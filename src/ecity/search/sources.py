"""The documents apps offer to the one search, declared in each app's ``search_documents.py``.

Search carries documents for every app without knowing what they are about. An app declares a
source (found at start-up like ``jobs.py``)::

    from ecity.search.sources import SearchDocument, SearchSource, register_source

    def load(keys):  # keys -> documents; a key left out (deleted, unpublished, restricted) is
        ...          # removed from the index
        return {str(a.pk): SearchDocument(title=a.title, body=a.body, url=a.get_absolute_url(),
                                          kind="knowledge", ...) for a in public_articles(keys)}

    register_source(SearchSource(name="hotline.article", load=load, all_keys=all_public_keys,
                                 kinds={"knowledge": _("Knowledge base")}))

and, in the service that changes the object, inside its transaction::

    from ecity.search.services import index_schedule
    index_schedule(source="hotline.article", keys=[str(article.pk)])

Rules: only what anyone may see is offered (``load`` returns nothing for drafts, restricted
pages and personal data), so search needs no visibility check of its own; ``load`` is called with
keys that may no longer exist; ``all_keys`` lists every key that should be findable now (a full
rebuild indexes these and removes every other document of the source).

Apps also feed the Chinese analysis from the same module: ``register_dictionary(name, words_fn)``
adds words segmentation keeps whole (department and service names, thesaurus labels), and
``register_expander(name, fn)`` expands one query word into alternatives (the registry's
thesaurus: synonyms and narrower terms). Both are called lazily and must be cheap and public.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

SOURCE_NAME_MAX = 60


@dataclass(frozen=True)
class SearchDocument:
    """One findable thing, as its app describes it (plain text; search analyses it)."""

    title: str
    body: str
    url: str
    kind: str  # a facet code the source declares in ``kinds`` ("service", "policy", "news", ...)
    department_code: str = ""
    department_name: str = ""
    audiences: tuple[str, ...] = ()  # "person", "enterprise"
    published_at: dt.datetime | None = None
    keywords: tuple[str, ...] = ()
    popularity: float = 0.0  # use (applications, views): more used ranks higher
    summary: str = ""  # shown under the title when the body has no matched passage


@dataclass(frozen=True)
class SearchSource:
    name: str  # "<app>.<thing>", stable: stored with every indexed document
    load: Callable[[Sequence[str]], Mapping[str, SearchDocument]]
    all_keys: Callable[[], Iterable[str]]
    kinds: Mapping[str, str | Promise] = field(default_factory=dict)  # facet code -> label


_sources: dict[str, SearchSource] = {}
_dictionaries: dict[str, Callable[[], Iterable[str]]] = {}
_expanders: dict[str, Callable[[str], Sequence[str]]] = {}
_discovered = False


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("search_documents")
        _discovered = True


def register_source(source: SearchSource) -> None:
    """Register (or replace) a source by its name."""
    if not source.name or len(source.name) > SOURCE_NAME_MAX or "." not in source.name:
        raise ValueError("a search source needs a name like '<app>.<thing>'")
    _sources[source.name] = source


def unregister_source(name: str) -> None:
    """Remove a source (tests that register their own)."""
    _sources.pop(name, None)


def registered_sources() -> dict[str, SearchSource]:
    """Every declared source by name, after importing every app's ``search_documents`` once."""
    _discover()
    return dict(_sources)


def register_dictionary(name: str, words: Callable[[], Iterable[str]]) -> None:
    """Register (or replace) a provider of user-dictionary words (kept whole by segmentation)."""
    _dictionaries[name] = words


def register_expander(name: str, expand: Callable[[str], Sequence[str]]) -> None:
    """Register (or replace) a query expander: one query word -> alternatives (it may be first)."""
    _expanders[name] = expand


def unregister_expander(name: str) -> None:
    """Remove an expander (tests)."""
    _expanders.pop(name, None)


def registered_dictionaries() -> dict[str, Callable[[], Iterable[str]]]:
    """Every dictionary provider by name (after discovery)."""
    _discover()
    return dict(_dictionaries)


def registered_expanders() -> dict[str, Callable[[str], Sequence[str]]]:
    """Every query expander by name (after discovery)."""
    _discover()
    return dict(_expanders)
