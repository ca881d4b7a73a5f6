"""Reads of the subject thesaurus: listing terms and expanding a search query."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ecity.registry.models import SubjectTerm

#: Narrower terms are followed this many levels down (a thesaurus is rarely deeper).
MAX_NARROWER_DEPTH = 5


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def subject_term_find(*, label: str) -> SubjectTerm | None:
    """Return the term whose preferred term or synonym is ``label`` (case-folded), or None."""
    key = _key(label)
    if not key or "\n" in key:
        return None
    return SubjectTerm.objects.filter(labels__contains=f"\n{key}\n").first()


def subject_terms_expand(*, query: str) -> list[str]:
    """Expand a search query with the thesaurus: the term, its synonyms and narrower terms.

    A query that is a term or one of its synonyms gives the preferred term first, then its
    synonyms, then its narrower terms (down to ``MAX_NARROWER_DEPTH`` levels, each level in
    alphabetical order). Any other query gives ``[query]`` (stripped); an empty one ``[]``.
    Public: the thesaurus holds no personal data.
    """
    text = " ".join(str(query).split())
    if not text:
        return []
    term = subject_term_find(label=text)
    if term is None:
        return [text]
    expanded = [term.term, *term.synonyms]
    seen = {term.pk}
    level = [term.pk]
    for _depth in range(MAX_NARROWER_DEPTH):
        children = list(
            SubjectTerm.objects.filter(broader__in=level).exclude(pk__in=seen).order_by("term")
        )
        if not children:
            break
        for child in children:
            if child.pk not in seen:
                seen.add(child.pk)
                expanded.append(child.term)
        level = [child.pk for child in children]
    return list(dict.fromkeys(expanded))


def subject_term_list(*, query: str = "") -> QuerySet[SubjectTerm]:
    """List subject terms with their relations prefetched; ``query`` matches any label part.

    Public.
    """
    terms = SubjectTerm.objects.prefetch_related("broader", "narrower", "related").order_by("term")
    key = _key(query)
    if key:
        terms = terms.filter(Q(labels__contains=key) | Q(term_en__icontains=key))
    return terms
