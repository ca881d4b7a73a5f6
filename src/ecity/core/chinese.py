"""Chinese text: word segmentation for search and classification.

``rjieba`` (a Rust port of jieba) segments; the pure-Python ``jieba`` is the fallback where the
Rust wheel is unavailable. ``search_tokens`` gives the words a full-text index stores for a text
(search-mode segmentation: ``食品经营许可证`` → 食品, 经营, 许可, 许可证), lower-cased, without
punctuation or whitespace, so that SQLite FTS5 and PostgreSQL full-text search can match Chinese.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

_WORD = re.compile(r"\w", re.UNICODE)


def _load() -> tuple[Callable[[str], list[str]], Callable[[str], list[str]]]:
    try:
        import rjieba

        return rjieba.cut, rjieba.cut_for_search
    except ImportError:  # pragma: no cover - the pinned wheel exists for our platforms
        import jieba

        return (lambda text: list(jieba.cut(text))), (lambda text: list(jieba.cut_for_search(text)))


_cut, _cut_for_search = _load()


def _words(tokens: list[str]) -> list[str]:
    return [t.lower() for t in (tok.strip() for tok in tokens) if t and _WORD.search(t)]


def segment(text: str) -> list[str]:
    """The words of ``text`` (precise mode), without punctuation and whitespace, lower-cased."""
    return _words(_cut(unicodedata.normalize("NFKC", text or "")))


def search_tokens(text: str) -> list[str]:
    """The words a full-text index stores for ``text`` (search mode: long words and their parts)."""
    return _words(_cut_for_search(unicodedata.normalize("NFKC", text or "")))


def search_text(text: str) -> str:
    """``search_tokens`` joined by spaces: the column a full-text index reads."""
    return " ".join(search_tokens(text))


class Segmenter:
    """A segmenter of its own with user words (the one search's dictionary), shared by no one.

    ``rjieba`` takes user words (``Jieba.add_word``), so a dictionary word such as
    ``个体工商户登记`` comes out whole in precise mode and whole plus its parts in search mode.
    The module functions above keep the plain dictionary (the hotline classifier is trained on
    it).
    """

    def __init__(self, words: Iterable[str] = ()) -> None:
        self._cut: Callable[[str], list[str]]
        self._cut_for_search: Callable[[str], list[str]]
        try:
            import rjieba

            engine = rjieba.Jieba()
            for word in words:
                if word and word.strip():
                    engine.add_word(word.strip(), None, None)
            self._cut = lambda text: list(engine.cut(text))
            self._cut_for_search = lambda text: list(engine.cut_for_search(text))
        except ImportError:  # pragma: no cover - the pinned wheel exists for our platforms
            import jieba

            tokenizer = jieba.Tokenizer()
            for word in words:
                if word and word.strip():
                    tokenizer.add_word(word.strip())
            self._cut = lambda text: list(tokenizer.cut(text))
            self._cut_for_search = lambda text: list(tokenizer.cut_for_search(text))

    def segment(self, text: str) -> list[str]:
        """Like ``segment``, with the user words."""
        return _words(self._cut(unicodedata.normalize("NFKC", text or "")))

    def search_tokens(self, text: str) -> list[str]:
        """Like ``search_tokens``, with the user words."""
        return _words(self._cut_for_search(unicodedata.normalize("NFKC", text or "")))
