"""Processes and counts of the kill -9 proofs (test_nats_crash.py, benchmarks/exchange_scale.py).

A crash proof runs the relay and the consumer as real processes (``manage.py exchange_relay``,
``manage.py exchange_consume``) against a database they can open (a PostgreSQL database or a
SQLite file), kills them with SIGKILL and restarts them, while a publisher process writes a
burst of signed publications through ``log_append``. Run as a module it is that publisher::

    python -m ecity.exchange.tests.crash_support publish --count 300 --sender A --sender B
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import ecity

MANAGE = Path(ecity.__file__).resolve().parent.parent.parent / "manage.py"
SRC = Path(ecity.__file__).resolve().parent.parent


def process_env(*, database_url: str, prefix: str, **extra: str) -> dict[str, str]:
    """Environment of a child process: the shared database and this run's own stream."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "ecity.conf.test"),
        "PYTHONPATH": os.pathsep.join(p for p in (str(SRC), os.environ.get("PYTHONPATH")) if p),
        "ECITY_EXCHANGE_TRANSPORT": "nats",
        "ECITY_NATS_SUBJECT_PREFIX": prefix,
        "ECITY_NATS_STREAM": "",
    }
    env.update(extra)
    return env


def spawn(args: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start ``manage.py <args>`` (or ``-m module`` when args start with ``-m``)."""
    command = [sys.executable, *args] if args[0] == "-m" else [sys.executable, str(MANAGE), *args]
    with log.open("ab") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def relay_spawn(*, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return spawn(["exchange_relay", "--idle", "0.05"], env=env, log=log)


def consumer_spawn(
    *, env: dict[str, str], log: Path, durable: str, batch: int = 50
) -> subprocess.Popen[bytes]:
    return spawn(
        [
            "exchange_consume",
            "--durable",
            durable,
            "--batch-handler",
            "ecity.exchange.tests.inbox_probe.handlers.effect_record_batch",
            "--dead-letter",
            "ecity.exchange.tests.inbox_probe.handlers.dead_letter_record",
            "--batch-size",
            str(batch),
            "--wait",
            "0.5",
        ],
        env=env,
        log=log,
    )


def kill9(process: subprocess.Popen[bytes]) -> bool:
    """SIGKILL ``process``; True when it was still running (so it died mid-work)."""
    running = process.poll() is None
    if running:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    return running


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after 10 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            kill9(process)


def wait_for(condition: Callable[[], bool], *, deadline: float, what: str) -> None:
    """Poll ``condition`` every 50 ms until it holds; AssertionError naming ``what`` after
    ``deadline`` (a ``time.monotonic()`` value)."""
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


class SharedDatabase:
    """Counts read straight from the database the child processes write (no Django state)."""

    def __init__(self, url: str) -> None:
        self.url = url

    @contextlib.contextmanager
    def _cursor(self) -> Iterator[Any]:
        if self.url.startswith("sqlite"):
            path = urllib.parse.urlsplit(self.url).path
            sqlite = sqlite3.connect(path, timeout=20)
            try:
                yield sqlite.cursor()
            finally:
                sqlite.close()
        else:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as conn, conn.cursor() as cursor:
                yield cursor

    def scalar(self, sql: str) -> Any:
        with self._cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        with self._cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())

    def effects(self) -> int:
        return int(self.scalar("SELECT COUNT(*) FROM exchange_inbox_probe_probeeffect"))

    def published(self) -> int:
        return int(
            self.scalar("SELECT COUNT(*) FROM exchange_messagelogrecord WHERE kind = 'published'")
        )

    def tally(self) -> dict[str, int]:
        """Published, effects, published without effect (lost), redeliveries seen by the inbox."""
        lost = self.scalar(
            "SELECT COUNT(*) FROM exchange_messagelogrecord r WHERE r.kind = 'published' AND "
            "NOT EXISTS (SELECT 1 FROM exchange_inbox_probe_probeeffect e "
            "WHERE e.message_id = r.message_id)"
        )
        duplicated = self.scalar(
            "SELECT COUNT(*) FROM (SELECT message_id FROM exchange_inbox_probe_probeeffect "
            "GROUP BY message_id HAVING COUNT(*) > 1) d"
        )
        return {
            "published": self.published(),
            "effects": self.effects(),
            "lost": int(lost),
            "duplicated": int(duplicated),
            "redelivered": int(
                self.scalar(
                    "SELECT COALESCE(SUM(redeliveries), 0) FROM exchange_inbox_probe_probeeffect"
                )
            ),
        }


def broker_redeliveries(log: Path) -> int:
    """Messages the broker delivered again, as the consumer processes reported them."""
    text = log.read_text(errors="replace") if log.exists() else ""
    return sum(int(n) for n in re.findall(r"redelivered (\d+)", text))


def publish_burst(
    *, count: int, senders: list[str], topic: str, every: int, pause: float, batch: int = 1
) -> None:
    """Publish ``count`` signed messages round-robin from ``senders``, one transaction each.

    With ``batch`` > 1 (one sender): ``batch`` messages per transaction, sealed with the signing
    key got once per transaction and logged under one lock of the partition with one insert
    (``log_append_batch``), as ``message_publish_batch`` does.
    """
    from django.db import transaction

    from ecity.core import vault
    from ecity.exchange.envelope import PURPOSE, envelope_seal
    from ecity.exchange.message_log import LogEntry, log_append, log_append_batch
    from ecity.exchange.models import MessageLogRecord

    if batch > 1:
        (sender,) = senders
        for start in range(0, count, batch):
            with transaction.atomic():
                entries = []
                signing_key = vault.key_current_for_signing(purpose=PURPOSE, owner=sender)
                for n in range(start, min(count, start + batch)):
                    payload = {"n": n, "person": f"P-{n:06d}", "changed": ["住址"]}
                    envelope = envelope_seal(
                        sender=sender,
                        payload=payload,
                        topic=topic,
                        event_type=topic,
                        signing_key=signing_key,
                    )
                    entries.append(LogEntry(MessageLogRecord.Kind.PUBLISHED, envelope, payload))
                log_append_batch(partition=sender, entries=entries, keep_payload=True)
        return
    for n in range(count):
        sender = senders[n % len(senders)]
        payload = {"n": n, "person": f"P-{n:06d}", "changed": ["住址"]}
        with transaction.atomic():
            envelope = envelope_seal(sender=sender, payload=payload, topic=topic, event_type=topic)
            log_append(kind=MessageLogRecord.Kind.PUBLISHED, envelope=envelope, payload=payload)
        if every and pause and n % every == every - 1:
            time.sleep(pause)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="crash_support")
    parser.add_argument("action", choices=["publish"])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--sender", action="append", required=True)
    parser.add_argument("--topic", default="registry.person.changed")
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--pause", type=float, default=0.02)
    parser.add_argument("--batch", type=int, default=1, help="messages per transaction")
    parser.add_argument("--ready-file", default="", help="touched once set up")
    parser.add_argument("--go-file", default="", help="start publishing once this file exists")
    options = parser.parse_args(argv)
    import django

    django.setup()
    if options.ready_file:
        Path(options.ready_file).touch()
    if options.go_file:
        deadline = time.monotonic() + 600
        while not Path(options.go_file).exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    publish_burst(
        count=options.count,
        senders=options.sender,
        topic=options.topic,
        every=options.every,
        pause=options.pause,
        batch=options.batch,
    )
    print(f"published {options.count}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
