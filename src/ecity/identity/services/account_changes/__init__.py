"""Changes that would hand an account to someone else: e-mail address and phone number.

Issue 8 ("account takeover"): with a stolen session the e-mail address could be changed without
the password or any confirmation, and a password reset sent to the new address then took the
account. The rules here close that path, whatever calls them (HTML pages, API, future clients):

* **Re-authentication.** Changing the e-mail address, phone number or password needs the current
  password (or, for an account with an authenticator app, a fresh TOTP code) entered within
  ``ECITY_REAUTH_SECONDS`` in this session (``security.reauth``); an API client sends
  ``current_password`` with the change. Wrong answers are limited per account
  (``ECITY_RATE_LIMITS["reauth"]``) and audited.
* **Confirmation.** A new e-mail address counts only after the link sent to it is opened: a
  signed token (``django.core.signing``) naming the pending change and a digest of the new
  address, expiring after ``ECITY_EMAIL_CHANGE_LINK_SECONDS`` and usable once (the change row
  is closed by it). A new phone number counts after the 6-digit code sent to it by SMS is
  entered (``ECITY_PHONE_CHANGE_CODE_SECONDS``; 5 wrong codes cancel the change, and
  ``ECITY_RATE_LIMITS["phone_code"]`` limits wrong codes per account). Until then the old
  value stays in force for login, password reset and notifications.
* **The old address and phone are told** of every request and every change, with what to do if
  it was not the account's holder (``identity/notifications.py``).
* **Password changes** (``services.passwords``) need the current password too and cancel the
  pending changes made here.

Everything is audited (``identity/audit_actions.py``).

Both kinds go through one mechanism (``pending``: open, prove, apply, cancel), each kind saying
only what differs (``email_address``: a signed link; ``mobile_number``: a code by SMS);
``account_patch`` is the account API's one PATCH, which may start both.
"""

from ecity.identity.services.account_changes.account_patch import (  # noqa: F401
    AccountUpdate,
    account_update,
)
from ecity.identity.services.account_changes.email_address import (  # noqa: F401
    email_change_confirm,
    email_change_request,
    email_change_token,
)
from ecity.identity.services.account_changes.mobile_number import (  # noqa: F401
    PHONE_CODE_MAX_WRONG,
    phone_change_confirm,
    phone_change_request,
)
from ecity.identity.services.account_changes.pending import (  # noqa: F401
    contact_change_cancel,
    contact_changes_cancel_pending,
)
