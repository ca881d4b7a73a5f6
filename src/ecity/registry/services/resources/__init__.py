"""Writes of the information resource catalogue (政务信息资源目录): drafts, review, versions.

Life cycle of an entry (a ``Resource``): a new entry is a draft (version 1) that its provider
department maintains; it is submitted for review; a reviewer publishes it or returns it to
draft with a reason; a published entry is withdrawn when it no longer exists. A published entry
is never edited: ``resource_revise`` opens a revision (a draft copy, next version) that goes
through the same submit → review → publish; publishing it copies its content onto the live
entry (which keeps its key, so sharing grants pointing at it stay valid) and keeps the replaced
content as a ``ResourceVersion``.

Permissions: the provider department's administrators (its data administrators) and platform
administrators maintain an entry; platform administrators review. Four eyes: whoever submitted
an entry does not publish it. ``actor=None`` is the command line or the demo loader.
Every act is audited; publishing and withdrawing publish ``registry.resource_changed``.

The writes live by concept: ``drafts`` (save, submit, and the shared permission checks) and
``publication`` (return, publish, revise, withdraw); this package re-exports them.
"""

from ecity.registry.services.resources.drafts import (  # noqa: F401
    CONTENT_FIELDS,
    ResourceItemInput,
    resource_save_draft,
    resource_submit,
)
from ecity.registry.services.resources.publication import (  # noqa: F401
    resource_publish,
    resource_return,
    resource_revise,
    resource_withdraw,
)
