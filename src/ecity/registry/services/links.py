"""Links between registry records and platform accounts (a person's, an enterprise's)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.identity.models import LegalEntity, User
from ecity.identity.services.verification import same_id_number, same_name
from ecity.org.selectors import is_platform_admin
from ecity.registry.models import LegalEntityRecord, Person


@transaction.atomic
def person_account_link(*, actor: User, person: Person, account: User) -> Person:
    """Link ``account`` to ``person``: the account's verified identity is this person's.

    Rules: platform administrators only; the account is real-name verified and its ID number
    and name are the person's; an account links to one person and a person to one account.
    Side effects: a ``registry.person_linked`` audit entry. Errors: ``PermissionDenied``,
    ``ValidationFailed``.
    """
    if not is_platform_admin(user=actor):
        raise PermissionDenied(_("Only a platform administrator links accounts to records."))
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.account_id == account.pk:
        return person
    if not (
        account.is_real_name_verified
        and same_id_number(account.id_number, person.id_number)
        and same_name(account.real_name, person.name)
    ):
        raise ValidationFailed(
            fields={"account": [_("Only the person's own real-name verified account is linked.")]}
        )
    if person.account_id is not None or Person.objects.filter(account=account).exists():
        raise ValidationFailed(fields={"account": [_("This account or record is already linked.")]})
    person.account = account
    person.save(update_fields=["account", "updated_at"])
    audit_record(actor=actor, action="registry.person_linked", obj=person, subject=account)
    return person


@transaction.atomic
def legal_entity_record_enterprise_link(
    *, actor: User, record: LegalEntityRecord, enterprise: LegalEntity
) -> LegalEntityRecord:
    """Link the verified enterprise account ``enterprise`` to its registry ``record``.

    Rules: platform administrators only; the enterprise is verified and has the record's USCC.
    Side effects: a ``registry.legal_entity_linked`` audit entry. Errors: ``PermissionDenied``,
    ``ValidationFailed``.
    """
    if not is_platform_admin(user=actor):
        raise PermissionDenied(_("Only a platform administrator links accounts to records."))
    record = LegalEntityRecord.objects.select_for_update().get(pk=record.pk)
    if record.enterprise_id == enterprise.pk:
        return record
    if not (enterprise.is_verified and enterprise.uscc == record.uscc):
        raise ValidationFailed(
            fields={"enterprise": [_("Only the verified enterprise with this USCC is linked.")]}
        )
    if record.enterprise_id is not None:
        raise ValidationFailed(fields={"enterprise": [_("This record is already linked.")]})
    record.enterprise = enterprise
    record.save(update_fields=["enterprise", "updated_at"])
    audit_record(actor=actor, action="registry.legal_entity_linked", obj=record)
    return record
