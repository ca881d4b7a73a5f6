"""Files written in a transaction that rolls back are removed; committed ones stay."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction

from ecity.core.files import save_in_transaction


@pytest.fixture
def storage(tmp_path):
    return FileSystemStorage(location=tmp_path)


@pytest.mark.django_db
def test_a_file_saved_in_a_rolled_back_transaction_is_removed(storage):
    with pytest.raises(RuntimeError), transaction.atomic():
        name = save_in_transaction(storage=storage, name="a/doc.pdf", content=ContentFile(b"%PDF"))
        assert storage.exists(name)  # written at once, visible to the rest of the transaction
        raise RuntimeError("the service failed after writing the file")

    assert not storage.exists(name)


@pytest.mark.django_db
def test_a_file_saved_in_a_savepoint_that_rolls_back_is_removed_but_others_stay(storage):
    with transaction.atomic():
        kept = save_in_transaction(storage=storage, name="kept.pdf", content=ContentFile(b"1"))
        with pytest.raises(ValueError), transaction.atomic():
            lost = save_in_transaction(storage=storage, name="lost.pdf", content=ContentFile(b"2"))
            raise ValueError("inner step failed")
        assert not storage.exists(lost)

    assert storage.exists(kept)


@pytest.mark.django_db(transaction=True)
def test_a_file_saved_in_a_committed_transaction_stays(storage):
    with transaction.atomic():
        name = save_in_transaction(storage=storage, name="doc.pdf", content=ContentFile(b"%PDF"))

    assert storage.exists(name)
    assert storage.open(name).read() == b"%PDF"


@pytest.mark.django_db(transaction=True)
def test_a_file_saved_outside_a_transaction_stays(storage):
    name = save_in_transaction(storage=storage, name="doc.pdf", content=ContentFile(b"%PDF"))

    assert storage.exists(name)
