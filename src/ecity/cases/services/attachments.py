"""Attachment rows and their stored files: store checked uploads, attach them to a case or a
draft, and move a draft's files to the case it became.

The caller checked the files (``services.materials.uploads_check``) and the actor's right; the
functions here write inside the caller's transaction. Stored files are named in a list the
caller owns, so that they can be deleted again if the transaction fails
(``ecity.core.uploads.stored_files_delete``); a replaced file is deleted after commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from ecity.cases.models import Attachment, Case, CaseDraft
from ecity.catalogue.models import RequiredMaterial
from ecity.core.uploads import CheckedUpload, stored_files_delete, upload_store
from ecity.identity.models import User


def uploads_store(checked: dict[str, CheckedUpload], stored: list[str]) -> dict[str, str]:
    """Store every checked upload; return the stored names by key and append them to ``stored``."""
    names = {}
    for key, upload in checked.items():
        names[key] = upload_store(upload)
        stored.append(names[key])
    return names


def attachment_create(
    *,
    checked: CheckedUpload,
    name: str,
    material: RequiredMaterial,
    actor: User,
    **owner: Case | CaseDraft,
) -> Attachment:
    """Save the attachment row of a stored file, owned by ``case=`` or ``draft=``."""
    attachment = attachment_build(
        checked=checked, name=name, material=material, actor=actor, **owner
    )
    attachment.save()
    return attachment


def attachment_build(
    *,
    checked: CheckedUpload,
    name: str,
    material: RequiredMaterial,
    actor: User,
    **owner: Case | CaseDraft,
) -> Attachment:
    """The unsaved attachment row of a stored file, owned by ``case=`` or ``draft=``.

    The uploader is recorded when ``actor`` is signed in.
    """
    attachment = Attachment(
        material=material,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        **owner,
    )
    attachment.file.name = name
    return attachment


def draft_files_write(
    *,
    actor: User,
    lookup: Mapping[str, Any],
    form_data: dict[str, object] | None,
    checked: Mapping[str, CheckedUpload],
    materials: Mapping[str, RequiredMaterial],
) -> CaseDraft:
    """Store checked files on the draft ``lookup`` names (created when missing); return it.

    A file replaces the draft's earlier file of its material (deleted after commit). The
    answers are replaced by ``form_data`` unless it is None. The draft's ``updated_at`` moves
    on, so kept files expire counted from the last time they were kept. The caller checked the
    actor's right and the files; stored files are removed again if the transaction fails.
    """
    stored: list[str] = []
    replaced: list[str] = []
    try:
        with transaction.atomic():
            draft, _created = CaseDraft.objects.get_or_create(**lookup)
            if form_data is not None:
                draft.form_data = form_data
            draft.save(update_fields=["form_data", "updated_at"])
            names = uploads_store(dict(checked), stored)
            for key, upload in checked.items():
                old = Attachment.objects.filter(draft=draft, material=materials[key])
                replaced.extend(old.values_list("file", flat=True))
                old.delete()
                attachment_create(
                    checked=upload,
                    name=names[key],
                    material=materials[key],
                    actor=actor,
                    draft=draft,
                )
            transaction.on_commit(lambda: stored_files_delete(replaced))
    except BaseException:
        stored_files_delete(stored)
        raise
    return draft


def draft_files_move(
    draft: CaseDraft,
    *,
    case: Case,
    replaced_keys: set[str],
    materials: Mapping[str, RequiredMaterial],
) -> None:
    """Move a draft's files to ``case`` (except those replaced now) and delete the draft."""
    superseded = Attachment.objects.filter(
        draft=draft, material__in=[materials[k] for k in replaced_keys]
    )
    replaced = list(superseded.values_list("file", flat=True))
    superseded.delete()
    Attachment.objects.filter(draft=draft).update(case=case, draft=None)
    draft.delete()
    transaction.on_commit(lambda: stored_files_delete(replaced))
