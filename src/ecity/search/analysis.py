"""Chinese analysis for the index and for queries: words, dictionary, pinyin, expansion.

- Words: ``core.chinese.Segmenter`` with the user dictionary (every registered dictionary
  provider's words), search mode at index time (long words and their parts), precise mode for
  query words, so a dictionary word is one token on both sides.
- Pinyin: every Chinese word of a title or keyword is also indexed as its full pinyin
  (``shenfenzheng``) and its initials (``sfz``).
- Query: whitespace separates terms (all must match); each term is expanded by the registered
  expanders (thesaurus synonyms and narrower terms) into alternatives (any may match); each
  alternative is its words (all must match). A Latin-letter term also matches as a prefix.
"""

from __future__ import annotations

import functools
import logging
import math
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from pypinyin import lazy_pinyin

from ecity.core.chinese import Segmenter
from ecity.search.sources import SearchDocument, registered_dictionaries, registered_expanders

logger = logging.getLogger("ecity.search")

_HAN = re.compile(r"[\u3400-\u9fff]")
_NOT_TOKEN = re.compile(r"[\W_]+", re.UNICODE)
_LATIN = re.compile(r"^[a-z0-9]+$")
MAX_BODY_CHARS = 20_000  # a body beyond this is cut before analysis (extracted attachments)
MAX_ALTERNATIVES = 20

_lock = threading.Lock()
_segmenter: Segmenter | None = None


def dictionary_words() -> list[str]:
    """Every word of every registered dictionary provider (a failing provider is skipped)."""
    words: set[str] = set()
    for name, provider in sorted(registered_dictionaries().items()):
        try:
            words.update(w.strip() for w in provider() if w and w.strip() and len(w) <= 50)
        except Exception:  # a broken provider must not stop search
            logger.exception("search dictionary %s failed", name)
    return sorted(words)


def segmenter() -> Segmenter:
    """The process's segmenter with the user dictionary (built once; ``segmenter_reset``)."""
    global _segmenter
    with _lock:
        if _segmenter is None:
            _segmenter = Segmenter(dictionary_words())
        return _segmenter


def segmenter_reset() -> None:
    """Forget the segmenter: the next use reloads the dictionary (after a rebuild, in tests)."""
    global _segmenter
    with _lock:
        _segmenter = None


def clean_token(token: str) -> str:
    """A token as both backends store it: letters and digits only, lower-case."""
    return _NOT_TOKEN.sub("", unicodedata.normalize("NFKC", token)).lower()


def _tokens(words: Iterable[str]) -> list[str]:
    return [t for t in (clean_token(w) for w in words) if t]


def index_tokens(text: str) -> str:
    """The words a document's text is indexed as (search mode), space-separated."""
    return " ".join(_tokens(segmenter().search_tokens(text[:MAX_BODY_CHARS])))


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))


@functools.lru_cache(maxsize=65536)
def pinyin_of(word: str) -> tuple[str, str]:
    """(full pinyin, initials) of a word, lower-case ASCII letters only; ("", "") if none.

    Cached (a pure function; highlighting asks for every title word of every hit)."""
    syllables = [clean_token(s) for s in lazy_pinyin(word, errors="ignore")]
    syllables = [s for s in syllables if s]
    return "".join(syllables), "".join(s[0] for s in syllables)


def title_words(text: str) -> list[str]:
    """The words of a title or keyword (search mode: 居民身份证 gives 居民, 身份证 and itself)
    that carry Chinese characters."""
    return [w for w in _tokens(segmenter().search_tokens(text)) if has_han(w)]


@dataclass(frozen=True)
class AnalysedDocument:
    title_tokens: str
    keyword_tokens: str
    body_tokens: str
    pinyin_tokens: str
    title_pinyin: str
    title_initials: str
    title_words: list[str]
    boost: float


def analyse_document(document: SearchDocument) -> AnalysedDocument:
    """Analyse a document for the index (words, pinyin, boost)."""
    keywords = " ".join(document.keywords)
    words = list(dict.fromkeys(title_words(document.title) + title_words(keywords)))
    pinyin: list[str] = []
    for word in words:
        full, initials = pinyin_of(word)
        if full:
            pinyin.extend([full, initials] if len(initials) > 1 else [full])
    full_title, title_initials = pinyin_of(document.title)
    return AnalysedDocument(
        title_tokens=index_tokens(document.title),
        keyword_tokens=index_tokens(keywords),
        body_tokens=index_tokens(f"{document.summary} {document.body}"),
        pinyin_tokens=" ".join(dict.fromkeys(pinyin)),
        title_pinyin=full_title[:500],
        title_initials=title_initials[:200],
        title_words=words,
        boost=1.0 + 0.2 * math.log1p(max(document.popularity, 0.0)),
    )


@dataclass(frozen=True)
class Alternative:
    """One way to satisfy a query term: all ``tokens`` (the last one as a prefix if ``prefix``)."""

    text: str
    tokens: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """Terms (all must match), each a list of alternatives (any may match)."""

    terms: tuple[tuple[Alternative, ...], ...]

    @property
    def highlight_words(self) -> list[str]:
        words = {t for term in self.terms for alt in term for t in alt.tokens}
        return sorted(words, key=len, reverse=True)


def _composable(word: str, parts: set[str]) -> bool:
    """Whether ``word`` is a concatenation of (shorter) ``parts``."""
    reachable = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        reachable[end] = any(
            reachable[start] and word[start:end] in parts
            for start in range(end)
            if end - start < len(word)
        )
    return reachable[-1]


def query_tokens(text: str) -> list[str]:
    """The tokens a query text must all match: its search-mode words, without the long words
    their parts already spell (社会保险 -> 社会, 保险, which 社会保险费 contains too: search mode
    indexes a long word's two- and three-character parts, not every shorter word)."""
    words = list(dict.fromkeys(_tokens(segmenter().search_tokens(text))))
    parts = set(words)
    return [w for w in words if len(w) < 3 or not _composable(w, parts - {w})]


def _alternative(text: str) -> Alternative | None:
    tokens = tuple(query_tokens(text))
    if not tokens:
        return None
    is_latin = len(tokens) == 1 and bool(_LATIN.match(tokens[0])) and not tokens[0].isdigit()
    return Alternative(text=text, tokens=tokens, prefix=is_latin and len(tokens[0]) >= 2)


def expand_term(term: str) -> list[str]:
    """The term and what the registered expanders add (the term first, no repeats)."""
    alternatives = [term]
    for name, expand in sorted(registered_expanders().items()):
        try:
            alternatives.extend(str(a) for a in expand(term))
        except Exception:  # a broken expander must not stop search
            logger.exception("search expander %s failed", name)
    return list(dict.fromkeys(a.strip() for a in alternatives if a and a.strip()))


def parse_query(text: str) -> ParsedQuery:
    """Parse a user's query (see the module doc); an all-punctuation query has no terms."""
    terms = []
    for raw in unicodedata.normalize("NFKC", text).split():
        alternatives = []
        for alt_text in expand_term(raw)[:MAX_ALTERNATIVES]:
            alternative = _alternative(alt_text)
            if alternative is not None and alternative not in alternatives:
                alternatives.append(alternative)
        if alternatives:
            terms.append(tuple(alternatives))
    return ParsedQuery(terms=tuple(terms))
