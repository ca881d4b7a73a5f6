"""Accounts (citizens, enterprises, agents) and their authentication state (MFA, lock-out).

Staff roles, departments and regions live in ``ecity.org``.
"""

from ecity.identity.models.accounts import (
    MANAGER_ROLES,
    AgentAuthorisation,
    IdentityLevel,
    LegalEntity,
    User,
)
from ecity.identity.models.changes import ContactChange
from ecity.identity.models.security import (
    AccountLockout,
    LoginFailure,
    MfaDevice,
    RecoveryCode,
)

__all__ = [
    "MANAGER_ROLES",
    "AccountLockout",
    "AgentAuthorisation",
    "ContactChange",
    "IdentityLevel",
    "LegalEntity",
    "LoginFailure",
    "MfaDevice",
    "RecoveryCode",
    "User",
]
