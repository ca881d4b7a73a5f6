"""Writing the index: (re)index or remove documents of a source; rebuild a source."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import F

from ecity.search.analysis import analyse_document, pinyin_of, segmenter_reset
from ecity.search.models import IndexedDocument, SearchWord
from ecity.search.sources import SearchDocument, registered_sources

logger = logging.getLogger("ecity.search")

BATCH = 500


def _words(text: str) -> list[str]:
    return [w for w in text.split() if w]


def _words_adjust(counts: Counter[str]) -> None:
    """Add ``counts`` (negative to remove) to the word list; words no document has are dropped."""
    changed = {w: n for w, n in counts.items() if n and len(w) <= 100}
    if not changed:
        return
    existing = set(SearchWord.objects.filter(word__in=changed).values_list("word", flat=True))
    new = []
    for word, delta in changed.items():
        if word in existing:
            SearchWord.objects.filter(word=word).update(documents=F("documents") + delta)
        elif delta > 0:
            full, initials = pinyin_of(word)
            new.append(
                SearchWord(word=word, pinyin=full[:300], initials=initials[:100], documents=delta)
            )
    SearchWord.objects.bulk_create(new, ignore_conflicts=True)
    SearchWord.objects.filter(word__in=changed, documents__lte=0).delete()


def _row(source: str, key: str, document: SearchDocument) -> IndexedDocument:
    analysed = analyse_document(document)
    audiences = "".join(f"|{a}" for a in sorted(set(document.audiences)))
    return IndexedDocument(
        source=source,
        key=key,
        title=document.title[:500],
        summary=document.summary,
        body=document.body,
        url=document.url[:500],
        kind=document.kind[:40],
        department_code=document.department_code[:64],
        department_name=document.department_name[:200],
        audiences=f"{audiences}|" if audiences else "",
        published_at=document.published_at,
        keywords=list(document.keywords),
        popularity=document.popularity,
        boost=analysed.boost,
        title_tokens=analysed.title_tokens,
        keyword_tokens=analysed.keyword_tokens,
        body_tokens=analysed.body_tokens,
        pinyin_tokens=analysed.pinyin_tokens,
        title_pinyin=analysed.title_pinyin,
        title_initials=analysed.title_initials,
        title_words=" ".join(analysed.title_words),
    )


_FIELDS = [
    f.name
    for f in IndexedDocument._meta.concrete_fields
    if f.name not in {"id", "source", "key", "indexed_at"}
]


def documents_index(*, source: str, keys: Sequence[str]) -> tuple[int, int]:
    """Index the documents ``keys`` of ``source`` again; remove those ``load`` no longer returns.

    Rules: ``load`` decides visibility (a draft, restricted or deleted object is not returned and
    its document is removed), so nothing unpublished stays findable. An unknown source removes
    its documents for ``keys``. Idempotent (an event may be delivered twice). Returns (indexed,
    removed). Side effects: writes ``IndexedDocument`` rows (the full-text index follows) and
    the suggestion words, in one transaction.
    """
    keys = sorted({str(k) for k in keys})
    registered = registered_sources().get(source)
    documents = dict(registered.load(keys)) if registered is not None else {}
    if registered is None:
        logger.warning("search.reindex for unknown source %s: removing its documents", source)
    indexed = removed = 0
    with transaction.atomic():
        old = {
            d.key: d
            for d in IndexedDocument.objects.select_for_update().filter(source=source, key__in=keys)
        }
        words: Counter[str] = Counter()
        for doc in old.values():
            words.subtract(_words(doc.title_words))
        gone = [k for k in keys if k not in documents and k in old]
        if gone:
            IndexedDocument.objects.filter(source=source, key__in=gone).delete()
            removed = len(gone)
        creates = []
        for key in keys:
            if key not in documents:
                continue
            row = _row(source, key, documents[key])
            words.update(_words(row.title_words))
            if key in old:
                row.pk = old[key].pk
                row.save(update_fields=[*_FIELDS, "indexed_at"])
            else:
                creates.append(row)
            indexed += 1
        IndexedDocument.objects.bulk_create(creates, batch_size=BATCH)
        _words_adjust(words)
    return indexed, removed


def _batches(keys: Iterable[str]) -> Iterable[list[str]]:
    batch: list[str] = []
    for key in keys:
        batch.append(str(key))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def source_rebuild(*, source: str | None = None) -> dict[str, tuple[int, int]]:
    """Rebuild the index of ``source`` (or of every source) from its ``all_keys``.

    Rules: every key ``all_keys`` lists is indexed again in batches (each its own transaction);
    every other document of the source is removed; a full rebuild (no ``source``) also removes
    the documents of sources no longer registered and reloads the user dictionary first.
    Returns {source: (indexed, removed)}. Side effects: index writes.
    """
    sources = registered_sources()
    if source is not None and source not in sources:
        raise ValueError(f"unknown search source {source!r}")
    segmenter_reset()
    names = [source] if source else sorted(sources)
    result = {}
    for name in names:
        wanted: set[str] = set()
        indexed = removed = 0
        for batch in _batches(sources[name].all_keys()):
            wanted.update(batch)
            done, gone = documents_index(source=name, keys=batch)
            indexed, removed = indexed + done, removed + gone
        stale = set(IndexedDocument.objects.filter(source=name).values_list("key", flat=True))
        for batch in _batches(sorted(stale - wanted)):
            with transaction.atomic():
                _remove(name, batch)
            removed += len(batch)
        result[name] = (indexed, removed)
    if source is None:
        for name in set(IndexedDocument.objects.values_list("source", flat=True)) - set(names):
            for batch in _batches(
                IndexedDocument.objects.filter(source=name).values_list("key", flat=True)
            ):
                with transaction.atomic():
                    _remove(name, batch)
            result[name] = (0, -1)
    return result


def _remove(source: str, keys: list[str]) -> None:
    documents = IndexedDocument.objects.filter(source=source, key__in=keys)
    words: Counter[str] = Counter()
    for title_words in documents.values_list("title_words", flat=True):
        words.subtract(_words(title_words))
    documents.delete()
    _words_adjust(words)
