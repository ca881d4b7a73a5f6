"""Render an event's subject, body and SMS text in the recipient's language.

Each event's app declares a template prefix (``ecity.notify.registry``): ``<prefix>.subject.txt``
(one line), ``<prefix>.txt`` (e-mail and in-app body) and ``<prefix>.sms.txt`` (short text).
They are plain text: no HTML escaping. Every template also sees ``city_name``, ``site_url`` and
``link`` (the absolute address of ``link_path``, in the recipient's language), and may include
notify's ``notify/events/_greeting.txt`` and ``notify/events/_footer.txt``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from django.conf import settings
from django.template import Context, Engine
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from ecity.core.languages import city_name

SMS_LIMIT_CHINESE = 70  # one SMS segment in UCS-2
SMS_LIMIT_LATIN = 160  # one SMS segment in GSM-7
SMS_MIN_TEXT = 24
SMS_LONG_SEGMENTS = 2  # a concatenated SMS: each part loses room to its header
SMS_PART_CHINESE = 67
SMS_PART_LATIN = 153


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str
    sms_text: str
    link_path: str


@cache
def _engine() -> Engine:
    # A separate engine: text messages must not be HTML-escaped ("&" stays "&"). It looks where
    # the page templates are looked up (the project's DIRS first, so a deployment can reword a
    # message, then each app's templates/).
    dirs = [str(path) for config in settings.TEMPLATES for path in config.get("DIRS", [])]
    return Engine(
        dirs=dirs,
        app_dirs=True,
        autoescape=False,
        libraries={"i18n": "django.templatetags.i18n", "l10n": "django.templatetags.l10n"},
    )


def _language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def _resolve(value: Any, language: str) -> Any:
    """Turn lazy translations and ``{"zh-hans": …, "en": …}`` dicts into plain text."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Mapping) and value and set(value) <= _language_codes():
        chosen = value.get(language) or value.get(settings.LANGUAGE_CODE) or ""
        return str(chosen) if isinstance(chosen, Promise) else chosen
    if isinstance(value, list | tuple):
        return [_resolve(item, language) for item in value]
    return value


# Other names callers use for the keys the templates read.
ALIASES = {"department": "department_name", "note": "message", "committed_due_on": "due_on"}


def template_values(context: Mapping[str, Any], language: str) -> dict[str, Any]:
    """The template context for one language.

    Resolves translations (see ``_resolve``); ``<key>_en`` replaces ``<key>`` for English
    readers; aliases are copied to the names the templates use; ISO dates in ``*_on`` keys
    become dates, so that they are written the reader's way.
    """
    values = {key: _resolve(value, language) for key, value in context.items()}
    for key in [k for k in values if k.endswith("_en")]:
        english = values.pop(key)
        if language.startswith("en") and english:
            values[key[:-3]] = english
    for alias, name in ALIASES.items():
        if values.get(alias) and not values.get(name):
            values[name] = values[alias]
    for key, value in values.items():
        if key.endswith("_on") and isinstance(value, str) and value:
            with contextlib.suppress(ValueError):
                values[key] = date.fromisoformat(value)
    return values


def localised_path(path: str, language: str) -> str:
    """Give a site path the ``/<language>`` prefix of the reader (none for zh-Hans).

    Only paths on this site pass (no other hosts, no ``javascript:``); API paths stay as they
    are; a language prefix already on the path is replaced.
    """
    if not path.startswith("/") or path.startswith("//"):
        return ""
    if path.startswith("/api/"):
        return path
    for code in _language_codes():
        if path.startswith(f"/{code}/"):
            path = path[len(code) + 1 :]
            break
    if language == settings.LANGUAGE_CODE.lower():
        return path
    return f"/{language}{path}"


def _tidy_body(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def sms_compose(
    text: str, *, link: str, site_url: str, signature: str, needs_link: bool = False
) -> str:
    """Make a short SMS: signature, text, link; shorten the text rather than drop the link.

    The page's link is used when everything fits into one segment (70 characters when the text
    has Chinese characters, 160 otherwise); else the site's address; else the text is cut
    with "…" (templates put the reference number first, so it survives). With ``needs_link``
    the page's link is always kept, in up to two concatenated segments (2 × 67 or 2 × 153
    characters), the text cut to make room.
    """
    text = " ".join(text.split())
    sample = signature + text
    if needs_link and link:
        part = SMS_PART_LATIN if (sample + link).isascii() else SMS_PART_CHINESE
        limit = part * SMS_LONG_SEGMENTS
        room = max(SMS_MIN_TEXT, limit - len(signature) - len(link) - 1)
        if len(text) > room:
            text = text[: room - 1].rstrip() + "…"
        return f"{signature}{text} {link}".strip()
    limit = SMS_LIMIT_LATIN if sample.isascii() else SMS_LIMIT_CHINESE
    for address in (link, site_url):
        candidate = f"{signature}{text} {address}".strip()
        if len(candidate) <= limit:
            return candidate
    room = max(SMS_MIN_TEXT, limit - len(signature) - len(site_url) - 1)
    if len(text) > room:
        text = text[: room - 1].rstrip() + "…"
    return f"{signature}{text} {site_url}".strip()


def render_message(
    *,
    templates: str,
    context: Mapping[str, Any],
    language: str,
    sms_needs_link: bool = False,
    body: bool = True,
    sms: bool = True,
) -> RenderedMessage:
    """Render the three texts of an event (template prefix ``templates``) in ``language``.

    ``sms_needs_link``: the SMS keeps the page's link (see ``sms_compose``). ``body=False`` or
    ``sms=False`` leaves that text empty without rendering it (no channel of the recipient
    shows it: an SMS-only caller gets no e-mail or in-app body); the subject is always rendered.
    """
    site_url = settings.ECITY_SITE_URL.rstrip("/")
    with translation.override(language):
        values = template_values(context, language)
        link_path = localised_path(str(values.get("link_path") or ""), language)
        link = f"{site_url}{link_path}" if link_path.startswith("/") else site_url
        values.update(
            {
                "city_name": city_name(language),
                "site_url": site_url,
                "link": link,
                "link_path": link_path,
            }
        )
        engine = _engine()

        def render(suffix: str) -> str:
            template = engine.get_template(f"{templates}.{suffix}")
            return template.render(Context(values, autoescape=False))

        subject = " ".join(render("subject.txt").split())[:300]
        body_text = _tidy_body(render("txt")) if body else ""
        sms_text = ""
        if sms:
            signature = _("[%(city)s e-services] ") % {"city": city_name(language)}
            sms_text = sms_compose(
                render("sms.txt"),
                link=link,
                site_url=site_url,
                signature=signature,
                needs_link=sms_needs_link,
            )
    return RenderedMessage(subject=subject, body=body_text, sms_text=sms_text, link_path=link_path)
