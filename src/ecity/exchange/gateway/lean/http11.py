"""The lean gateway's fast path for plain HTTP/1.1 messages; h11 handles everything else.

h11 validates and frames every message through a state machine of small Python calls: it
cost ~0.15 ms of CPU per message, a third of the gateway's own CPU per call (one request
and one answer on each side). Nearly every call is the same plain shape (a request line,
headers, a ``Content-Length`` body, keep-alive), so this module parses and writes that
shape directly, with h11's own grammar (``h11._abnf``: token names, field values, request
target, status line), and says ``None`` for anything else: a request with
``Transfer-Encoding``, ``Expect``, ``Connection`` other than keep-alive, ``HEAD``, no
``Host``, HTTP/1.0, a folded or malformed line; an answer that is informational, 204/304,
chunked or without a length. The caller then hands the bytes to h11 unchanged (so odd
messages get exactly h11's treatment, faults included) and keeps h11 for that connection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from http import HTTPStatus

import h11

# h11's grammar (h11/_abnf.py), on bytes.
_TOKEN = rb"[-!#$%&'*+.^_`|~0-9a-zA-Z]+"
_FIELD_VCHAR = rb"[^\x00\s]"
_FIELD_VALUE = rb"(?:%s+(?:[ \t]+%s+)*)?" % (_FIELD_VCHAR, _FIELD_VCHAR)
HEADER_LINE = re.compile(rb"(%s):[ \t]*(%s)[ \t]*" % (_TOKEN, _FIELD_VALUE))
REQUEST_LINE = re.compile(rb"(%s) ([\x21-\x7e]+) HTTP/1\.1" % _TOKEN)
STATUS_LINE = re.compile(rb"HTTP/1\.1 ([0-9]{3})(?: (?:[ \t]|[^\x00\s])*)?")
TOKEN = re.compile(_TOKEN)
FIELD_VALUE = re.compile(_FIELD_VALUE)
TARGET = re.compile(rb"[\x21-\x7e]+")
DIGITS = re.compile(rb"[0-9]+")

END_OF_HEAD = b"\r\n\r\n"
_REASONS = {status.value: status.phrase.encode("ascii") for status in HTTPStatus}


@dataclass
class Head:
    """A parsed request or answer head: the start line's parts and the lowercased headers."""

    method: bytes
    target: bytes
    status: int
    headers: list[tuple[bytes, bytes]]
    content_length: int
    keep_alive: bool


def _header_lines(lines: list[bytes]) -> tuple[list[tuple[bytes, bytes]], dict[bytes, bytes]]:
    """The header lines as (lowercased name, value), and the framing headers seen once.

    Raises ``ValueError`` for a line h11 would refuse or treat specially (folded, repeated
    framing header).
    """
    headers: list[tuple[bytes, bytes]] = []
    framing: dict[bytes, bytes] = {}
    for line in lines:
        match = HEADER_LINE.fullmatch(line)
        if match is None:
            raise ValueError(line)
        name = match.group(1).lower()
        value = match.group(2)
        if name in (b"content-length", b"transfer-encoding", b"connection", b"expect", b"host"):
            if name in framing:
                raise ValueError(name)
            framing[name] = value
        headers.append((name, value))
    return headers, framing


def request_head_parse(data: bytes) -> Head | None:
    """The head of a plain HTTP/1.1 request (``data`` up to the blank line), or None."""
    lines = data.split(b"\r\n")
    start = REQUEST_LINE.fullmatch(lines[0])
    if start is None or start.group(1) in (b"HEAD", b"CONNECT"):
        return None
    try:
        headers, framing = _header_lines(lines[1:])
    except ValueError:
        return None
    length = framing.get(b"content-length", b"0")
    connection = framing.get(b"connection", b"keep-alive").lower()
    if (
        b"host" not in framing
        or b"transfer-encoding" in framing
        or b"expect" in framing
        or connection != b"keep-alive"
        or DIGITS.fullmatch(length) is None
    ):
        return None
    return Head(
        method=start.group(1),
        target=start.group(2),
        status=0,
        headers=headers,
        content_length=int(length),
        keep_alive=True,
    )


def response_head_parse(data: bytes) -> Head | None:
    """The head of a plain HTTP/1.1 answer with a ``Content-Length`` (to a GET…), or None."""
    lines = data.split(b"\r\n")
    start = STATUS_LINE.fullmatch(lines[0])
    if start is None:
        return None
    status = int(start.group(1))
    try:
        headers, framing = _header_lines(lines[1:])
    except ValueError:
        return None
    length = framing.get(b"content-length")
    if (
        status < 200
        or status in (204, 304)
        or b"transfer-encoding" in framing
        or length is None
        or DIGITS.fullmatch(length) is None
    ):
        return None
    return Head(
        method=b"",
        target=b"",
        status=status,
        headers=headers,
        content_length=int(length),
        keep_alive=b"close" not in framing.get(b"connection", b"").lower(),
    )


def _checked(headers: list[tuple[bytes, bytes]]) -> bytes:
    """The header lines; raises ``h11.LocalProtocolError`` as h11 does for a bad one."""
    out = []
    for name, value in headers:
        if TOKEN.fullmatch(name) is None or FIELD_VALUE.fullmatch(value) is None:
            raise h11.LocalProtocolError(f"Illegal header {name!r}: {value!r}")
        out.append(b"%s: %s\r\n" % (name, value))
    return b"".join(out)


def request_head_write(method: bytes, target: bytes, headers: list[tuple[bytes, bytes]]) -> bytes:
    """A request head (``headers`` carry ``Host`` and the framing); checked as h11 does."""
    if TOKEN.fullmatch(method) is None or TARGET.fullmatch(target) is None:
        raise h11.LocalProtocolError(f"Illegal request line {method!r} {target!r}")
    return b"%s %s HTTP/1.1\r\n%s\r\n" % (method, target, _checked(headers))


def response_head_write(status: int, headers: list[tuple[bytes, bytes]]) -> bytes:
    """An answer's head (``headers`` carry the framing); checked as h11 does."""
    if not 200 <= status <= 999:
        raise h11.LocalProtocolError(f"Illegal status {status}")
    reason = _REASONS.get(status, b"")
    return b"HTTP/1.1 %d %s\r\n%s\r\n" % (status, reason, _checked(headers))
