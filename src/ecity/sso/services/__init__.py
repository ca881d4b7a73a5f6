"""Writes for single sign-on: registering clients, linking and unlinking, rotating signing keys.

Every service validates first, writes inside one transaction and records an audit entry. The
writes live by concept: ``clients``, ``federation`` and ``signing_keys``; this package
re-exports them (``from ecity.sso import services``; ``services.client_register``).
"""

from ecity.sso.services.clients import (  # noqa: F401
    CLIENT_TYPES,
    LOOPBACK_HOSTS,
    client_register,
    client_secret_reset,
    client_update,
    split_uris,
    system_client_register,
    validate_client_fields,
)
from ecity.sso.services.federation import (  # noqa: F401
    federation_link,
    federation_sign_in,
    federation_unlink,
)
from ecity.sso.services.signing_keys import (  # noqa: F401
    describe_claims,
    signing_key_keep_env,
    signing_key_retire,
    signing_key_rotate,
    signing_key_rotation_check,
)
