"""The zh-Hans words people see are the words our catalogues say.

Django merges every app's catalogue into one: for the same English text (and context) the
first app in ``INSTALLED_APPS`` wins, and Django's own apps come first. A short text such as
"Copy" or "Filter" therefore showed another app's word: the copy-to-departments button read
复印件 (a photocopy, the material form of the catalogue) instead of 抄报, and filter buttons read
过滤器 (the admin's noun) instead of 筛选. A text that means different things in different
places needs a context (``pgettext``, ``{% translate "…" context "…" %}``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext, pgettext

SRC = Path(__file__).resolve().parents[1]
_LINE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')


def _unquote(text: str) -> str:
    return ast.literal_eval(f'"{text}"')


def po_entries(path: Path) -> list[dict[str, str]]:
    """The entries of a .po file (keys msgctxt, msgid, msgstr, …; "fuzzy" when flagged)."""
    entries: list[dict[str, str]] = []
    entry: dict[str, str] = {}
    key = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry:
                entries.append(entry)
            entry, key = {}, ""
        elif line.startswith("#,") and "fuzzy" in line:
            entry["fuzzy"] = "1"
        elif line.startswith("#"):
            continue
        elif match := _LINE.match(line):
            key = match.group(1)
            entry[key] = _unquote(match.group(2))
        elif line.startswith('"') and key:
            entry[key] += _unquote(line[1:-1])
    return entries


def _shown_differently() -> list[str]:
    problems = []
    with translation.override("zh-hans"):
        for path in sorted(SRC.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")):
            for entry in po_entries(path):
                msgid, ours = entry.get("msgid"), entry.get("msgstr")
                if not msgid or not ours or "fuzzy" in entry or "msgid_plural" in entry:
                    continue
                context = entry.get("msgctxt")
                shown = pgettext(context, msgid) if context else gettext(msgid)
                if shown != ours:
                    where = path.relative_to(SRC).parts[0]
                    problems.append(f"{where}: {msgid!r} should read {ours!r}, reads {shown!r}")
    return problems


def test_every_translation_of_ours_is_the_one_people_see():
    # given every catalogue of ours, when Django looks a text up, then it finds our word
    assert _shown_differently() == []
