"""Possible duplicates of a ticket (疑似重复工单), for the dispatcher's merge decision (并单).

A candidate is another open ticket (not merged, not the ticket itself) of the same category,
received in the last ``DUPLICATE_DAYS`` days, and either within ``DUPLICATE_METRES`` of the
ticket (haversine on latitude/longitude, ``selectors.hotspots.distance_metres``) or at the same
address once normalised (``address_normalise``: full-width forms, spaces and punctuation
ignored). Candidates are ranked by ``score``: the Jaccard similarity of the two texts' words
(``core.chinese.segment``, stop words removed) counts most, then closeness (1 at the same spot
or the same address, 0 at ``DUPLICATE_METRES``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.db.models import QuerySet, Value
from django.utils import timezone

from ecity.core.chinese import segment
from ecity.hotline.models import Ticket
from ecity.hotline.selectors.hotspots import NEAR_METRES, STOP_WORDS, distance_metres

DUPLICATE_DAYS = 30
DUPLICATE_METRES = NEAR_METRES
CANDIDATE_LIMIT = 5
# Open tickets of the category compared at most (newest first): enough for a month of one
# category in one city, and bounded so that the dispatcher's page stays fast.
SCAN_LIMIT = 500
TEXT_WEIGHT = 0.7
PLACE_WEIGHT = 0.3

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class DuplicateCandidate:
    """An open ticket that may be about the same matter as the ticket being dispatched."""

    ticket: Ticket
    distance: float | None  # metres, when both tickets have coordinates
    same_address: bool
    similarity: float  # Jaccard similarity of the words, 0..1
    score: float

    @property
    def distance_label(self) -> str:
        return f"{self.distance:.0f}" if self.distance is not None else ""

    @property
    def similarity_percent(self) -> int:
        return round(self.similarity * 100)


def address_normalise(address: str) -> str:
    """``address`` compared for sameness: NFKC, lower-cased, without spaces and punctuation."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", address or "")).lower()


def ticket_words(ticket: Ticket) -> set[str]:
    """The words of the ticket's title and description, without stop words or single characters."""
    words = segment(f"{ticket.title} {ticket.description}")
    return {w for w in words if len(w) > 1 and w not in STOP_WORDS}


def jaccard(first: set[str], second: set[str]) -> float:
    """|A ∩ B| / |A ∪ B| (0 when both are empty)."""
    union = first | second
    return len(first & second) / len(union) if union else 0.0


def _open_of_category(ticket: Ticket, since: dt.datetime) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(
            category=ticket.category,
            status__in=Ticket.OPEN_STATUSES,
            received_at__gte=since,
        )
        .exclude(pk=ticket.pk)
        .select_related("category", "department", "region")
        .order_by("-received_at")
    )


def duplicate_candidates(
    ticket: Ticket, *, limit: int = CANDIDATE_LIMIT, now: dt.datetime | None = None
) -> list[DuplicateCandidate]:
    """List the open tickets that may duplicate ``ticket``, best candidate first.

    No permission check: the dispatcher's page (which checks it) is the only reader. A ticket
    without a category has no candidates (the category says what the matter is).
    """
    if ticket.category_id is None:
        return []
    since = (now or timezone.now()) - dt.timedelta(days=DUPLICATE_DAYS)
    tickets = _open_of_category(ticket, since)
    located = ticket.latitude is not None and ticket.longitude is not None
    if located:
        tickets = tickets.annotate(
            distance=distance_metres(Value(ticket.latitude), Value(ticket.longitude))
        )
    address = address_normalise(ticket.address)
    words = ticket_words(ticket)
    candidates: list[DuplicateCandidate] = []
    for other in tickets[:SCAN_LIMIT]:
        distance = getattr(other, "distance", None) if located else None
        near = distance is not None and distance <= DUPLICATE_METRES
        same_address = bool(address) and address_normalise(other.address) == address
        if not (near or same_address):
            continue
        closeness = 1.0 if same_address else 1.0 - (distance or 0.0) / DUPLICATE_METRES
        if near and distance is not None:
            closeness = max(closeness, 1.0 - distance / DUPLICATE_METRES)
        similarity = jaccard(words, ticket_words(other))
        candidates.append(
            DuplicateCandidate(
                ticket=other,
                distance=distance,
                same_address=same_address,
                similarity=similarity,
                score=TEXT_WEIGHT * similarity + PLACE_WEIGHT * closeness,
            )
        )
    candidates.sort(key=lambda c: (-c.score, c.ticket.received_at))
    return candidates[:limit]
