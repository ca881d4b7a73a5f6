"""Hit highlighting: HTML-escape the text, then wrap matched words in ``<mark>``."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SNIPPET_CHARS = 120


def _spans(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    for word in words:
        if not word:
            continue
        start = lowered.find(word)
        while start >= 0:
            spans.append((start, start + len(word)))
            start = lowered.find(word, start + len(word))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, words: Sequence[str]) -> SafeString:
    """``text`` escaped, with every occurrence of ``words`` (lower-case) marked."""
    out: list[str] = []
    last = 0
    for start, end in _spans(text, words):
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped


def snippet(text: str, words: Sequence[str], *, chars: int = SNIPPET_CHARS) -> SafeString:
    """A passage of ``text`` around its first match (its start if none), highlighted."""
    text = " ".join(text.split())
    spans = _spans(text, words)
    start = max(0, spans[0][0] - chars // 4) if spans else 0
    end = min(len(text), start + chars)
    passage = text[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + highlight(passage, words) + suffix)  # noqa: S308 - escaped above
