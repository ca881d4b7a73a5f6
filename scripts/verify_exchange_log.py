"""Verify an export of the ecity exchange message log OFFLINE (no Django, no database).

An auditor runs it on a folder written by ``ecity manage exchange_log_export``. Only Python 3.11
and the ``cryptography`` package are needed. It checks:

1. the manifest's signature with the node key it carries (and, with ``--node-kid``, that this
   key is the one the auditor got out of band from the operator);
2. the SHA-256 of ``records.jsonl`` and ``keys.json`` against the manifest;
3. per partition: the retention anchor's signature (by a node key), then every record's
   sequence number, previous hash and own hash (SHA-256 over the previous hash and the
   canonical JSON of its content), the sender's Ed25519 signature on every record that carries
   an envelope, the payload's hash where the payload was kept, and that the last record is the
   head the manifest names.

It prints ``OK …`` and exits 0, or prints one line per problem naming the first broken record
of each partition (``BROKEN partition=… seq=… problem=…``) and exits 1. Problems: ``modified``,
``inserted``, ``deleted``, ``cut``, ``signature`` (an envelope's signature), ``payload``,
``anchor``, ``manifest``, ``file``.

Usage: python scripts/verify_exchange_log.py EXPORT_DIR [--node-kid KID]
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

# The same canonical form as ecity.exchange.canonical.canonical_json (kept in step by a test).


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def record_hash_of(prev_hash: str, content: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical_json(content)).hexdigest()


def payload_hash(payload: Any) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(payload)).hexdigest()


def anchor_statement(partition: str, seq: int, record_hash: str) -> bytes:
    return canonical_json(
        {
            "statement": "ecity-log-truncated/1",
            "partition": partition,
            "truncated_through_seq": seq,
            "record_hash": record_hash,
        }
    )


def unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return b""


def ed25519_kid(public_key: str) -> str:
    try:
        return hashlib.sha256(base64.b64decode(public_key, validate=True)).hexdigest()[:16]
    except (binascii.Error, ValueError, TypeError):
        return ""


def ed25519_verify(public_key: str, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key)).verify(signature, message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


class Keys:
    """The exported public keys, by owner and key ID ("" is the node)."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        self._keys = {(r["owner"], r["kid"]): r for r in rows}

    def verify(self, owner: str, kid: str, message: bytes, signature: bytes) -> bool:
        row = self._keys.get((owner, kid))
        if row is None or row.get("alg") != "Ed25519":
            return False
        if ed25519_kid(row["public_key"]) != kid:
            return False
        return ed25519_verify(row["public_key"], message, signature)


def verify_manifest(manifest: dict[str, Any], pinned_kid: str | None) -> str | None:
    """Return a problem with the manifest, or None."""
    node = manifest.get("node_key") or {}
    if node.get("alg") != "Ed25519" or ed25519_kid(node.get("public_key", "")) != node.get("kid"):
        return "the manifest's node key is not a readable Ed25519 key"
    if pinned_kid and node["kid"] != pinned_kid:
        return f"the export is signed by node key {node['kid']}, not the pinned {pinned_kid}"
    unsigned = {k: v for k, v in manifest.items() if k != "signature"}
    if not ed25519_verify(
        node["public_key"], canonical_json(unsigned), unb64(manifest.get("signature", ""))
    ):
        return "the manifest's signature does not verify"
    return None


def verify_partition(
    partition: dict[str, Any], lines: list[dict[str, Any]], keys: Keys
) -> tuple[int, str] | None:
    """Return (seq, problem) of the first broken record of one partition, or None."""
    name = partition["name"]
    anchor = partition.get("anchor")
    prev_hash, expected = "", 1
    if anchor:
        statement = anchor_statement(name, anchor["seq"], anchor["record_hash"])
        if not keys.verify("", anchor["kid"], statement, unb64(anchor["signature"])):
            return anchor["seq"], "anchor"
        prev_hash, expected = anchor["record_hash"], anchor["seq"] + 1
    for line in lines:
        content = line["content"]
        seq = content.get("seq")
        if seq != expected:
            return expected, "deleted" if isinstance(seq, int) and seq > expected else "inserted"
        if line.get("prev_hash") != prev_hash:
            return seq, "inserted"
        if record_hash_of(line["prev_hash"], content) != line.get("record_hash"):
            return seq, "modified"
        envelope = content.get("envelope") or {}
        if envelope:
            header = {k: v for k, v in envelope.items() if k != "signature"}
            signed = keys.verify(
                envelope.get("sender", ""),
                envelope.get("kid", ""),
                canonical_json(header),
                unb64(envelope.get("signature", "")),
            )
            if not signed or envelope.get("payload_hash") != content.get("payload_hash"):
                return seq, "signature"
        if "payload" in line and payload_hash(line["payload"]) != content.get("payload_hash"):
            return seq, "payload"
        prev_hash, expected = line["record_hash"], expected + 1
    if partition["last_seq"] != expected - 1 or partition["last_hash"] != prev_hash:
        return expected, "cut"
    return None


def verify_export(directory: Path, pinned_kid: str | None = None) -> list[str]:
    """Return the problems found in the export at ``directory`` (empty: it verifies)."""
    problems: list[str] = []
    try:
        manifest = json.loads((directory / "manifest.json").read_text("utf-8"))
        key_rows = json.loads((directory / "keys.json").read_text("utf-8"))["keys"]
        raw_lines = (directory / "records.jsonl").read_bytes().splitlines()
    except (OSError, ValueError, KeyError) as error:
        return [f"BROKEN problem=file detail={error}"]
    if problem := verify_manifest(manifest, pinned_kid):
        problems.append(f"BROKEN problem=manifest detail={problem}")
    for name in ("records.jsonl", "keys.json"):
        digest = hashlib.sha256((directory / name).read_bytes()).hexdigest()
        if digest != manifest.get("files", {}).get(name):
            problems.append(f"BROKEN problem=file detail={name} does not match the manifest")
    keys = Keys(key_rows)
    by_partition: dict[str, list[dict[str, Any]]] = {}
    for number, raw in enumerate(raw_lines, start=1):
        try:
            line = json.loads(raw)
            by_partition.setdefault(line["content"]["partition"], []).append(line)
        except (ValueError, KeyError, TypeError):
            problems.append(f"BROKEN problem=file detail=records.jsonl line {number} unreadable")
    listed = {p["name"] for p in manifest.get("partitions", [])}
    for name in sorted(set(by_partition) - listed):
        problems.append(f"BROKEN partition={name} seq=1 problem=inserted")
    for partition in manifest.get("partitions", []):
        found = verify_partition(partition, by_partition.get(partition["name"], []), keys)
        if found is not None:
            seq, problem = found
            problems.append(f"BROKEN partition={partition['name']} seq={seq} problem={problem}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, help="the export folder")
    parser.add_argument("--node-kid", help="the node key ID the operator gave you (pinned)")
    args = parser.parse_args(argv)
    problems = verify_export(args.directory, args.node_kid)
    if problems:
        print("\n".join(problems))
        return 1
    manifest = json.loads((args.directory / "manifest.json").read_text("utf-8"))
    print(
        f"OK {manifest.get('records', 0)} records in {len(manifest.get('partitions', []))} "
        f"partitions of {manifest.get('instance')}, "
        f"signed by node key {manifest['node_key']['kid']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
