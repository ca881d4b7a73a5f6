"""Writes of the subject thesaurus (主题词表): saving terms with synonyms and relations.

Rules: a label (a term or a synonym, compared case-folded) belongs to one term only, so a query
expands unambiguously; broader terms never form a cycle. Permissions: platform administrators
(the platform's data administrators; ``actor=None`` is the command line or a loader). Audited.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import ValidationFailed
from ecity.identity.models import User
from ecity.registry.models import SubjectTerm
from ecity.registry.services._permissions import require_metadata_maintainer


def label_key(text: str) -> str:
    """How labels are compared: spaces collapsed, case-folded (全角 letters stay as they are)."""
    return " ".join(str(text).split()).casefold()


def _labels_text(term: str, synonyms: Sequence[str]) -> str:
    return "\n" + "\n".join(label_key(label) for label in [term, *synonyms]) + "\n"


def _ancestor_ids(term_ids: set[int]) -> set[int]:
    """Every broader term of ``term_ids``, transitively (the thesaurus is small)."""
    through = SubjectTerm.broader.through
    edges: dict[int, list[int]] = {}
    for source, target in through.objects.values_list("from_subjectterm_id", "to_subjectterm_id"):
        edges.setdefault(source, []).append(target)
    seen: set[int] = set()
    stack = list(term_ids)
    while stack:
        current = stack.pop()
        for parent in edges.get(current, []):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


@transaction.atomic
def subject_term_save(
    *,
    actor: User | None,
    term: str,
    term_en: str = "",
    scope_note: str = "",
    synonyms: Sequence[str] = (),
    broader: Sequence[SubjectTerm] = (),
    related: Sequence[SubjectTerm] = (),
) -> SubjectTerm:
    """Create the subject term ``term`` or replace its English term, note, synonyms and relations.

    Rules: see the module. Side effects: audited (``registry.subject_term_saved``). Errors:
    ``PermissionDenied``; ``ValidationFailed`` when a label belongs to another term, a term is
    its own broader or related term, or the broader terms would form a cycle.
    """
    require_metadata_maintainer(actor)
    term = " ".join(term.split())
    cleaned: list[str] = []
    for synonym in synonyms:
        text = " ".join(str(synonym).split())
        if text and label_key(text) != label_key(term) and text not in cleaned:
            cleaned.append(text)
    subject = SubjectTerm.objects.select_for_update().filter(term=term).first()
    is_new = subject is None
    if subject is None:
        subject = SubjectTerm(term=term)
    errors: dict[str, list[str]] = {}
    taken = SubjectTerm.objects.exclude(pk=subject.pk) if subject.pk else SubjectTerm.objects
    clashes = Q()
    for label in [term, *cleaned]:
        clashes |= Q(labels__contains=f"\n{label_key(label)}\n")
    other = taken.filter(clashes).first()
    if other is not None:
        errors["synonyms"] = [
            _("A label of this term already belongs to the term %(term)s.") % {"term": other.term}
        ]
    if subject.pk and any(b.pk == subject.pk for b in broader):
        errors["broader"] = [_("A term cannot be its own broader term.")]
    elif subject.pk and subject.pk in _ancestor_ids({b.pk for b in broader}):
        errors["broader"] = [_("These broader terms would make the term its own ancestor.")]
    if subject.pk and any(r.pk == subject.pk for r in related):
        errors["related"] = [_("A term cannot be related to itself.")]
    if errors:
        raise ValidationFailed(fields=errors)
    subject.term_en = " ".join(term_en.split())
    subject.scope_note = scope_note.strip()
    subject.synonyms = cleaned
    subject.labels = _labels_text(term, cleaned)
    try:
        subject.full_clean()
    except DjangoValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from exc
    subject.save()
    subject.broader.set(broader)
    subject.related.set(related)
    audit_record(
        actor=actor,
        action="registry.subject_term_saved",
        obj=subject,
        data={"term": term[:100], "created": is_new, "synonyms": len(cleaned)},
    )
    return subject
