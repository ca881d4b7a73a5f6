"""Broker subjects that mirror exchange identifiers, and the stream name of an instance.

Layout (``<prefix>`` is ``ECITY_NATS_SUBJECT_PREFIX``, ``ecity`` by default):

* a publication to a topic: ``<prefix>.<instance>.topic.<topic name>``; the dots of a topic
  name (``registry.person.changed``) stay token separators, so ``ecity.CN-WH.topic.registry.>``
  selects every registry topic of the city;
* a message addressed to one subsystem: ``<prefix>.<instance>.sub.<class>.<member>.<subsystem>``
  (the receiver's own instance, class, member and subsystem, one token each);
* anything else a log record carries without topic or receiver: ``<prefix>.<instance>.untargeted``.

A NATS token may not contain ``.``, ``*``, ``>`` or white space, and must not be empty. Every
token is therefore escaped: letters, digits, ``-`` and ``_`` stay, every other character becomes
``~`` and the upper-case hex of its UTF-8 bytes (``.`` → ``~2E``, ``*`` → ``~2A``, ``科`` →
``~E7~A7~91``), and an empty token becomes ``~``. The mapping is one-to-one and reversible
(``subject_token_unescape``), so two identifiers never share a subject.
"""

from __future__ import annotations

import functools
import re

from django.conf import settings

from ecity.exchange.identifiers import local_instance, subsystem_id_parse

_SAFE = re.compile(r"[A-Za-z0-9_-]")
_ESCAPE = re.compile(r"~([0-9A-F]{2})")


@functools.lru_cache(maxsize=4096)
def subject_token(text: str) -> str:
    """Escape one identifier part into one NATS subject token (cached: the relay asks per
    message, for a handful of distinct topics and prefixes)."""
    if not text:
        return "~"
    out = []
    for char in text:
        if _SAFE.fullmatch(char):
            out.append(char)
        else:
            out.extend(f"~{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def subject_token_unescape(token: str) -> str:
    """The identifier part that ``subject_token`` escaped into ``token``."""
    if token == "~":  # noqa: S105 - a subject token, not a secret
        return ""
    raw = bytearray()
    position = 0
    for match in _ESCAPE.finditer(token):
        raw.extend(token[position : match.start()].encode("ascii"))
        raw.append(int(match.group(1), 16))
        position = match.end()
    raw.extend(token[position:].encode("ascii"))
    return raw.decode("utf-8")


def subject_prefix() -> str:
    """``<prefix>.<instance>``: the root of every subject of this node's stream."""
    prefix = ".".join(subject_token(p) for p in str(settings.ECITY_NATS_SUBJECT_PREFIX).split("."))
    return f"{prefix}.{subject_token(local_instance())}"


def topic_subject(topic: str) -> str:
    """The subject of publications to ``topic`` (a dotted topic name)."""
    return f"{subject_prefix()}.topic." + ".".join(subject_token(p) for p in topic.split("."))


def subsystem_subject(identifier: str) -> str:
    """The subject of messages addressed to the subsystem ``instance/class/member/code``."""
    sid = subsystem_id_parse(identifier, field="receiver")
    parts = (sid.member_class, sid.member, sid.subsystem)
    return f"{subject_prefix()}.sub." + ".".join(subject_token(p) for p in parts)


def envelope_subject(envelope: dict[str, str]) -> str:
    """The subject a logged envelope travels on: its topic, else its receiver."""
    if envelope.get("topic"):
        return topic_subject(envelope["topic"])
    if envelope.get("receiver"):
        return subsystem_subject(envelope["receiver"])
    return f"{subject_prefix()}.untargeted"


def stream_name() -> str:
    """This node's stream: ``ECITY_NATS_STREAM``, else ``<prefix>-<instance>`` (escaped)."""
    if settings.ECITY_NATS_STREAM:
        return str(settings.ECITY_NATS_STREAM)
    return subject_prefix().replace(".", "-")
