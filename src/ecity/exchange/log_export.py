"""An export of the message log that an auditor verifies offline (scripts/verify_exchange_log.py).

The export is a folder of three files:

- ``records.jsonl``: one line per record, ``{"content", "prev_hash", "record_hash"}`` (plus
  ``"payload"`` where the log level kept it), partitions one after the other in sequence order;
- ``keys.json``: the public keys that verify the envelopes (each sender's keys, whatever their
  status) and this node's keys (which sign retention anchors and the manifest);
- ``manifest.json``: the instance, the time, per partition the first and last sequence
  number, the head hash and the retention anchor, the SHA-256 of the two other files, and a
  signature by this node's current exchange key over the rest of the manifest.

The auditor needs nothing but the folder, Python and ``cryptography``, and the node key's ID
obtained out of band (to pin it).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from ecity.audit.services import audit_record
from ecity.core import vault
from ecity.core.models import SigningKey
from ecity.exchange.canonical import canonical_json
from ecity.exchange.identifiers import local_instance
from ecity.exchange.message_log import record_content
from ecity.exchange.models import LogPartition, MessageLogRecord

EXPORT_FORMAT = "ecity-log-export/1"
PURPOSE = vault.Purpose.EXCHANGE


@dataclass(frozen=True)
class LogExport:
    """What an export wrote."""

    directory: Path
    records: int
    partitions: int
    node_kid: str


def _key_row(key: SigningKey) -> dict[str, str]:
    return {
        "owner": key.owner,
        "kid": key.kid,
        "alg": key.algorithm,
        "public_key": key.public_key,
        "status": key.status,
    }


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _line(record: MessageLogRecord) -> bytes:
    line: dict[str, Any] = {
        "content": record_content(record),
        "prev_hash": record.prev_hash,
        "record_hash": record.record_hash,
    }
    if record.payload is not None:
        line["payload"] = record.payload
    return json.dumps(line, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"


@transaction.atomic
def log_export(*, directory: Path, partitions: list[str] | None = None) -> LogExport:
    """Write the message log (of ``partitions``, default all) to ``directory`` for an auditor.

    The heads are read first, and only records up to each head are written, so records
    appended meanwhile are left for the next export. Side effects: the node's exchange key
    is created on first use; audited as ``exchange.log_exported`` (by the operator on the
    command line). Raises ``FileExistsError`` when the folder holds an export already.
    """
    directory.mkdir(parents=True, exist_ok=True)
    if (directory / "manifest.json").exists():
        raise FileExistsError(directory / "manifest.json")
    heads = LogPartition.objects.order_by("name")
    if partitions is not None:
        heads = heads.filter(name__in=partitions)
    heads_list = list(heads)
    senders: set[str] = set()
    partition_rows = []
    count = 0
    with (directory / "records.jsonl").open("wb") as out:
        for head in heads_list:
            records = MessageLogRecord.objects.filter(
                partition=head.name, seq__gt=head.anchor_seq, seq__lte=head.last_seq
            ).order_by("seq")
            for record in records.iterator(chunk_size=2000):
                out.write(_line(record))
                count += 1
                if record.envelope.get("sender"):
                    senders.add(record.envelope["sender"])
            partition_rows.append(
                {
                    "name": head.name,
                    "first_seq": head.anchor_seq + 1,
                    "last_seq": head.last_seq,
                    "last_hash": head.last_hash,
                    "anchor": {
                        "seq": head.anchor_seq,
                        "record_hash": head.anchor_hash,
                        "kid": head.anchor_kid,
                        "signature": head.anchor_signature,
                    }
                    if head.anchor_seq
                    else None,
                }
            )
    node_key = vault.key_current(purpose=PURPOSE, owner="")
    keys = SigningKey.objects.defer("private_key").filter(
        purpose=PURPOSE, owner__in=[*sorted(senders), ""]
    )
    key_rows = [_key_row(k) for k in keys.order_by("owner", "kid")]
    (directory / "keys.json").write_bytes(
        json.dumps({"keys": key_rows}, ensure_ascii=False, indent=1, sort_keys=True).encode()
    )
    manifest: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "instance": local_instance(),
        "exported_at": timezone.now().isoformat(),
        "node_key": {
            "kid": node_key.kid,
            "alg": node_key.algorithm,
            "public_key": node_key.public_key,
        },
        "files": {
            "records.jsonl": _sha256_file(directory / "records.jsonl"),
            "keys.json": _sha256_file(directory / "keys.json"),
        },
        "partitions": partition_rows,
        "records": count,
    }
    signature = vault.key_sign(key=node_key, message=canonical_json(manifest))
    manifest["signature"] = base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii")
    (directory / "manifest.json").write_bytes(
        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    )
    audit_record(
        actor=None,
        action="exchange.log_exported",
        data={"records": count, "partitions": len(heads_list), "node_kid": node_key.kid},
    )
    return LogExport(
        directory=directory, records=count, partitions=len(heads_list), node_kid=node_key.kid
    )
