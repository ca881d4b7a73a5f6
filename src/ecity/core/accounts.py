"""How apps below ``identity`` name an account without importing it.

Platform apps (org, audit, notify, workflow) work with accounts (``settings.AUTH_USER_MODEL``:
``identity.User``) but sit on a lower floor, so they cannot import the model. They refer to the
model in foreign keys through ``settings.AUTH_USER_MODEL`` and type parameters as ``Account``:
an account with the attributes of ``identity.User`` (``public_id``, ``real_name``, ``email``,
``phone``, ``preferred_language``, Django's auth flags), or the anonymous user where a function
says so.
"""

from __future__ import annotations

from typing import Any, TypeAlias

Account: TypeAlias = Any
