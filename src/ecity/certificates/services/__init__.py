"""Writes of the e-licence store, one module per concept; import them from here.

- ``issuing``: issuing certificates from plain data (``certificate_issue``, ``Holder``,
  ``Source``, ``certificate_data_build``, ``serial_allocate``);
- ``validity``: revoking (``certificate_revoke``) and verifying (``certificate_verify``);
- ``certificate_types``: defining a certificate type (``certificate_type_ensure``);
- ``imports``: recording certificates issued elsewhere (``certificate_import``).
"""

from __future__ import annotations

from ecity.certificates.services.certificate_types import certificate_type_ensure
from ecity.certificates.services.imports import IMPORT_NUMBER_RE, certificate_import
from ecity.certificates.services.issuing import (
    Holder,
    Source,
    certificate_data_build,
    certificate_issue,
    serial_allocate,
)
from ecity.certificates.services.validity import certificate_revoke, certificate_verify

__all__ = [
    "IMPORT_NUMBER_RE",
    "Holder",
    "Source",
    "certificate_data_build",
    "certificate_import",
    "certificate_issue",
    "certificate_revoke",
    "certificate_type_ensure",
    "certificate_verify",
    "serial_allocate",
]
