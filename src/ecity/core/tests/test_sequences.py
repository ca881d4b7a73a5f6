"""Gap-free sequences per scope: 1, 2, 3 …, numbers given back by a rollback, no repeats."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from ecity.core.models import Sequence
from ecity.core.sequences import sequence_last, sequence_next

pytestmark = pytest.mark.django_db


def next_number(scope: str) -> int:
    with transaction.atomic():
        return sequence_next(scope=scope)


def test_each_scope_counts_from_one():
    assert [next_number("cases:2026:SCJ") for _ in range(3)] == [1, 2, 3]
    assert next_number("cases:2026:WJW") == 1
    assert sequence_last(scope="cases:2026:SCJ") == 3
    assert sequence_last(scope="tickets:2026") == 0


def test_a_rolled_back_caller_gives_its_number_back():
    next_number("decision:SCJ:2026")

    with pytest.raises(RuntimeError, match="payment failed"), transaction.atomic():
        sequence_next(scope="decision:SCJ:2026")
        raise RuntimeError("payment failed")

    assert next_number("decision:SCJ:2026") == 2


def test_continues_from_a_stored_value():
    Sequence.objects.create(scope="certificate:FOOD:913100", last=41)

    assert next_number("certificate:FOOD:913100") == 42


@pytest.mark.django_db(transaction=True)
def test_refuses_to_hand_out_a_number_outside_a_transaction():
    with pytest.raises(RuntimeError, match=r"transaction\.atomic"):
        sequence_next(scope="cases:2026:SCJ")


def test_refuses_an_empty_or_overlong_scope():
    with transaction.atomic():
        with pytest.raises(ValueError):
            sequence_next(scope="")
        with pytest.raises(ValueError):
            sequence_next(scope="x" * 151)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_get_distinct_consecutive_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking")
    barrier = threading.Barrier(6)
    results: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            for _ in range(5):
                results.append(next_number("tickets:2026"))
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(results) == list(range(1, 31))
