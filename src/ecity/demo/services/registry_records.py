"""The demo city's base registries: a person record for every demo citizen, a record for the
demo enterprise.

The public security bureau (GAJ) holds the persons, market regulation (SCJ) the enterprise, as
the shipped data elements name them the authorities (``ecity.registry.data.data_elements``):
every value is written through ``ecity.registry.services.records`` as those departments'
import, so it is authoritative and validated like real data. Verified citizens and the verified
enterprise are linked to their records. 刘洋 (``liuyang``, registered only) is in the person
registry too, with his mobile number: he can get real-name verified online by the registry.
"""

from __future__ import annotations

from ecity.core.validators import parse_id_number
from ecity.demo.data import accounts
from ecity.identity.models import LegalEntity, User
from ecity.org.models import Department
from ecity.registry.models import LegalEntityRecord
from ecity.registry.services.links import (
    legal_entity_record_enterprise_link,
    person_account_link,
)
from ecity.registry.services.records import RecordWrite, legal_entity_record_write, person_write

POLICE = "GAJ"
MARKET_REGULATION = "SCJ"
SOURCE_REFERENCE = "示范市人口与法人基础库（演示数据）"
SEX_CODES = {"male": "1", "female": "2"}  # GB/T 2261.1
HAN = "01"  # GB/T 3304
ENTERPRISE = "91"  # legal-entity type: enterprise registered by market regulation
SOFTWARE_AND_IT_SERVICES = "65"  # GB/T 4754-2017 division
ESTABLISHED_ON = "2019-06-18"


def demo_registry_records_ensure(*, actor: User) -> int:
    """Write the demo citizens and enterprises into the base registries; return records created.

    Idempotent: values already held are not written again (nothing is logged for them) and
    links are made once. Runs after the demo's metadata (``registry.registry_metadata_ensure``)
    so that the values are validated by their data elements and the authorities are known.
    ``actor`` is the platform administrator.
    """
    police = Department.objects.get(code=POLICE)
    market = Department.objects.get(code=MARKET_REGULATION)
    created = 0
    for account in accounts.CITIZENS:
        info = parse_id_number(account.id_number)
        write = person_write(
            actor=actor,
            department=police,
            source="import",
            source_reference=SOURCE_REFERENCE,
            id_number=account.id_number,
            values={
                "name": account.real_name,
                "sex": SEX_CODES[info.sex],
                "ethnic_group": HAN,
                "birth_on": info.birth_date.isoformat(),
                "address": account.address,
                "phone": account.phone,
                "region_code": info.region_code,
            },
        )
        created += write.is_created
        user = User.objects.filter(username=account.username).first()
        if user is not None and user.is_real_name_verified and write.record.account_id is None:
            person_account_link(actor=actor, person=write.record, account=user)
    for enterprise in accounts.ENTERPRISES:
        created += _enterprise_ensure(actor=actor, enterprise=enterprise, market=market).is_created
    return created


def _enterprise_ensure(
    *, actor: User, enterprise: accounts.Enterprise, market: Department
) -> RecordWrite[LegalEntityRecord]:
    representative = next(
        a for a in accounts.CITIZENS if a.username == enterprise.legal_representative
    )
    write = legal_entity_record_write(
        actor=actor,
        department=market,
        source="import",
        source_reference=SOURCE_REFERENCE,
        uscc=enterprise.uscc,
        values={
            "name": enterprise.name,
            "entity_type": ENTERPRISE,
            "legal_representative_name": representative.real_name,
            "legal_representative_id_number": representative.id_number,
            "industry_code": SOFTWARE_AND_IT_SERVICES,
            "registered_address": enterprise.address,
            "established_on": ESTABLISHED_ON,
            "status": "active",
        },
    )
    account = LegalEntity.objects.filter(uscc=enterprise.uscc, is_verified=True).first()
    if account is not None and write.record.enterprise_id is None:
        legal_entity_record_enterprise_link(
            actor=actor,
            record=write.record,
            enterprise=account,
        )
    return write
