"""Writes about accounts, enterprises and staff roles. Every rule is checked here, not in views.

Each concept has its own module; the public functions are re-exported here.
"""

from ecity.identity.services.account_changes import (  # noqa: F401
    AccountUpdate,
    account_update,
    contact_change_cancel,
    email_change_confirm,
    email_change_request,
    email_change_token,
    phone_change_confirm,
    phone_change_request,
)
from ecity.identity.services.citizens import (  # noqa: F401
    acting_identity_switch,
    citizen_register,
    profile_update,
)
from ecity.identity.services.enterprises import (  # noqa: F401
    agent_grant,
    agent_revoke,
    legal_entity_register,
    legal_entity_verify_at_counter,
    legal_entity_verify_by_registry,
)
from ecity.identity.services.passwords import (  # noqa: F401
    password_change,
    password_reset_complete,
)
from ecity.identity.services.staff import (  # noqa: F401
    platform_admin_create,
    staff_account_create,
    staff_role_grant,
    staff_role_revoke,
)
from ecity.identity.services.verification import (  # noqa: F401
    citizen_verification_complete,
    citizen_verification_start,
    citizen_verify_at_counter,
    citizen_verify_by_registry,
)
