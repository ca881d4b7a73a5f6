"""Model fields for personal data: encrypted at rest, with blind indexes for exact lookups.

    id_number = EncryptedTextField(_("resident ID number"), blank=True, max_length=18)
    id_number_index = BlindIndexField(source="id_number", purpose="id_number")

    User.objects.filter(id_number_index=blind_index(normalised, purpose="id_number"))

Only ``isnull`` lookups work on an encrypted column (the ciphertext is randomised); anything else
raises at once instead of silently matching nothing. ``EncryptedJSONField`` stores a whole JSON
value (an application's form data) the same way.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import FieldError
from django.db import models

from ecity.core import crypto


class EncryptedTextField(models.TextField):
    """A text column stored as AES-GCM ciphertext; Python code sees the plaintext.

    ``max_length`` limits the plaintext (forms and validation); the column itself is unbounded.
    Values written before encryption was enabled (plaintext) are still read, and are encrypted
    the next time the row is saved or by ``field_keys reencrypt``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.plain_max_length = kwargs.pop("max_length", None)
        super().__init__(*args, **kwargs)
        if self.plain_max_length:
            from django.core.validators import MaxLengthValidator

            self.validators.append(MaxLengthValidator(self.plain_max_length))

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    @property
    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or not crypto.is_ciphertext(value):
            return value
        return crypto.decrypt(value, context=self.context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or crypto.is_ciphertext(value):
            return value
        return crypto.encrypt(str(value), context=self.context)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in {"isnull"}:
            raise FieldError(
                f"{self.context} is encrypted: look it up through its blind index, "
                f"not with __{lookup_name}"
            )
        return super().get_lookup(lookup_name)

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        from django import forms

        kwargs.setdefault("form_class", forms.CharField)
        kwargs.setdefault("max_length", self.plain_max_length)
        return models.Field.formfield(self, **kwargs)


class BlindIndexField(models.CharField):
    """HMAC of another field's (normalised) value, kept up to date whenever the row is saved."""

    def __init__(
        self, *args: Any, source: str = "", purpose: str = "", normaliser: str = "", **kwargs: Any
    ) -> None:
        self.source = source
        self.purpose = purpose or source
        self.normaliser = normaliser  # dotted path to a function str -> str, optional
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, purpose=self.purpose)
        if self.normaliser:
            kwargs["normaliser"] = self.normaliser
        return name, path, args, kwargs

    def index_for(self, value: Any) -> str:
        text = "" if value is None else str(value)
        if text and self.normaliser:
            from django.utils.module_loading import import_string

            text = import_string(self.normaliser)(text)
        return crypto.blind_index(text, purpose=self.purpose)

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = self.index_for(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (dict, list, …) serialised to text and stored as AES-GCM ciphertext.

    Python code sees the decoded value, as with ``models.JSONField``; the database holds only
    ciphertext, so no lookup into the JSON works (filter in Python, or keep a blind index of the
    value you need to find). Rows written by a plain ``JSONField`` before encryption was enabled
    are still read, and are encrypted the next time the row is saved or by
    ``field_keys reencrypt``.
    """

    empty_strings_allowed = False
    # For django-stubs: the attribute holds any JSON value, not a str.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def __init__(
        self,
        *args: Any,
        encoder: type[json.JSONEncoder] | None = None,
        decoder: type[json.JSONDecoder] | None = None,
        **kwargs: Any,
    ) -> None:
        self.encoder = encoder
        self.decoder = decoder
        kwargs.pop("max_length", None)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.encoder is not None:
            kwargs["encoder"] = self.encoder
        if self.decoder is not None:
            kwargs["decoder"] = self.decoder
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):  # a driver that already decoded legacy JSON (jsonb)
            return value
        text = crypto.decrypt(value, context=self.context) if crypto.is_ciphertext(value) else value
        return json.loads(text, cls=self.decoder)

    def get_prep_value(self, value: Any) -> Any:
        # Every Python value (a str too) is serialised: a value is never taken for ciphertext.
        if value is None:
            return None
        text = json.dumps(value, cls=self.encoder, ensure_ascii=False, allow_nan=False)
        return crypto.encrypt(text, context=self.context)

    def to_python(self, value: Any) -> Any:
        return value

    def value_to_string(self, obj: models.Model) -> Any:
        # The serialisers (dumpdata, fixtures) write the JSON value itself, as for JSONField.
        return self.value_from_object(obj)

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        from django import forms

        return models.Field.formfield(
            self,
            **{
                "form_class": forms.JSONField,
                "encoder": self.encoder,
                "decoder": self.decoder,
                **kwargs,
            },
        )


def refresh_blind_indexes(instance: models.Model) -> None:
    """Recompute ``instance``'s blind indexes from its current values (normally done on save).

    Call it from ``Model.clean()`` so that ``full_clean()`` checks the unique constraints on the
    indexes against the values being saved, not against the previous ones.
    """
    for field in instance._meta.concrete_fields:
        if isinstance(field, BlindIndexField):
            setattr(instance, field.attname, field.index_for(getattr(instance, field.source)))
