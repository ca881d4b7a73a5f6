"""Data migrations for encrypted columns: encrypt existing rows and fill their blind indexes.

A model's switch to ``EncryptedTextField``/``EncryptedJSONField`` takes three migrations:

1. schema: remove constraints that compare the plaintext column, change the field types and add
   the ``BlindIndexField`` columns;
2. data: ``EncryptRows("app_label", "model")`` (this module) encrypts every plaintext value with
   the active key and computes the indexes; reversed, it decrypts the values back;
3. schema: add the unique constraints on the index columns.

The data step reads and writes the raw column (no field conversion), in batches of ``batch``
rows, each batch in its own transaction (declare the migration ``atomic = False``), so a large
table never holds one long transaction and an interrupted run resumes where it stopped: values
already encrypted are skipped. It works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models, transaction
from django.db.models.functions import Cast

from ecity.core import crypto
from ecity.core.fields import BlindIndexField, EncryptedTextField


def _columns(model: type[models.Model]) -> tuple[list[EncryptedTextField], list[BlindIndexField]]:
    fields = model._meta.concrete_fields
    encrypted = [f for f in fields if isinstance(f, EncryptedTextField)]
    indexes = [f for f in fields if isinstance(f, BlindIndexField)]
    return encrypted, indexes


def _context(model: type[models.Model], field: models.Field) -> str:
    return f"{model._meta.label_lower}.{field.name}"


def _raw_rows(model: type[models.Model], names: list[str], after: Any, batch: int) -> list[tuple]:
    annotations = {f"_raw_{name}": Cast(name, models.TextField()) for name in names}
    rows = model._base_manager.annotate(**annotations).order_by("pk")
    if after is not None:
        rows = rows.filter(pk__gt=after)
    return list(rows.values_list("pk", *annotations)[:batch])


def _as_text(value: str) -> models.Value:
    # An expression is written as it is, without the field's own preparation (encryption).
    return models.Value(value, output_field=models.TextField())


def encrypt_rows(model: type[models.Model], *, batch: int = 500) -> int:
    """Encrypt the plaintext values of ``model``'s encrypted columns and fill its blind indexes.

    Returns how many rows changed. Rows whose values are all encrypted keep their ciphertext;
    their indexes are still recomputed (an index is derived from the value and the index key).
    """
    encrypted, indexes = _columns(model)
    names = [f.name for f in encrypted]
    changed, after = 0, None
    while rows := _raw_rows(model, names, after, batch):
        with transaction.atomic():
            for pk, *raws in rows:
                plain: dict[str, str | None] = {}
                updates: dict[str, Any] = {}
                for field, raw in zip(encrypted, raws, strict=True):
                    context = _context(model, field)
                    if crypto.is_ciphertext(raw):
                        plain[field.name] = crypto.decrypt(raw, context=context)
                    elif raw is None or raw == "":
                        plain[field.name] = raw
                    else:
                        plain[field.name] = raw
                        updates[field.name] = _as_text(crypto.encrypt(raw, context=context))
                for index in indexes:
                    updates[index.attname] = index.index_for(plain.get(index.source) or "")
                if updates:
                    changed += model._base_manager.filter(pk=pk).update(**updates)
        after = rows[-1][0]
    return changed


def decrypt_rows(model: type[models.Model], *, batch: int = 500) -> int:
    """Write every encrypted value of ``model`` back as plaintext (reverse of ``encrypt_rows``)."""
    encrypted, _indexes = _columns(model)
    names = [f.name for f in encrypted]
    changed, after = 0, None
    while rows := _raw_rows(model, names, after, batch):
        with transaction.atomic():
            for pk, *raws in rows:
                updates = {
                    field.name: _as_text(crypto.decrypt(raw, context=_context(model, field)))
                    for field, raw in zip(encrypted, raws, strict=True)
                    if crypto.is_ciphertext(raw)
                }
                if updates:
                    changed += model._base_manager.filter(pk=pk).update(**updates)
        after = rows[-1][0]
    return changed


class EncryptRows(migrations.RunPython):
    """``RunPython`` that encrypts one model's rows (forwards) or decrypts them (backwards)."""

    def __init__(self, app_label: str, model_name: str, *, batch: int = 500) -> None:
        self.app_label, self.model_name, self.batch = app_label, model_name, batch
        super().__init__(self._forwards, self._backwards, elidable=False)

    def _model(self, apps: Any) -> type[models.Model]:
        return apps.get_model(self.app_label, self.model_name)

    def _forwards(self, apps: Any, schema_editor: Any) -> None:
        encrypt_rows(self._model(apps), batch=self.batch)

    def _backwards(self, apps: Any, schema_editor: Any) -> None:
        decrypt_rows(self._model(apps), batch=self.batch)

    def deconstruct(self) -> Any:
        return (
            self.__class__.__name__,
            [self.app_label, self.model_name],
            {"batch": self.batch},
        )

    def describe(self) -> str:
        return f"Encrypt the personal data of {self.app_label}.{self.model_name}"
