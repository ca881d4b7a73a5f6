"""factory_boy factories for the e-licence store: certificate types and issued certificates.

A certificate is only valid when ``certificate_issue`` made it (serial from the sequence,
identifier, Ed25519 signature over the canonical data, PDF), so ``CertificateFactory`` issues it
through that service from plain data and what it returns verifies.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from ecity.certificates.models import Certificate, CertificateType
from ecity.certificates.services import Holder, Source, certificate_issue
from ecity.identity.tests.factories import DepartmentFactory, UserFactory, uscc_for

#: The data fields of the factories' certificate type (one from the form, one from the case).
DATA_SCHEMA = [
    {"name": "shop_name", "label_zh": "店铺名称", "label_en": "Shop", "source": "form.shop_name"},
    {"name": "case_number", "label_zh": "办件编号", "label_en": "Case", "source": "case.number"},
]


class CertificateTypeFactory(factory.django.DjangoModelFactory):
    """食品经营许可证 of a department that has a USCC (every identifier needs it), valid 5 years."""

    class Meta:
        model = CertificateType
        django_get_or_create = ("code",)

    department = factory.SubFactory(
        DepartmentFactory, uscc=factory.Sequence(lambda n: uscc_for(5000 + n, region="990100"))
    )
    code = factory.Sequence(lambda n: f"{uscc_for(7000 + n, region='990100')}{n % 1000:03d}")
    name_zh = "食品经营许可证"
    name_en = "Food business licence"
    validity_years = 5
    data_schema = factory.LazyFunction(lambda: [dict(entry) for entry in DATA_SCHEMA])


class CertificateFactory(factory.Factory):
    """A certificate issued by ``certificate_issue`` to a citizen with an account.

    Pass ``holder_account`` (and ``holder_name``/``holder_identifier``) or a ready ``holder``;
    ``source_ref`` names where it comes from, ``key`` the issuance (idempotency key).
    """

    class Meta:
        model = Certificate

    certificate_type = factory.SubFactory(CertificateTypeFactory)
    holder_account = factory.SubFactory(UserFactory)
    holder_name = factory.LazyAttribute(lambda o: o.holder_account.real_name)
    holder_identifier = factory.LazyAttribute(lambda o: o.holder_account.id_number)
    holder = factory.LazyAttribute(
        lambda o: Holder(
            kind=Certificate.HolderKind.CITIZEN,
            name=o.holder_name,
            identifier=o.holder_identifier,
            account=o.holder_account,
        )
    )
    data = factory.Sequence(lambda n: {"shop_name": f"小明面馆{n}", "case_number": f"TEST-{n}"})
    source = factory.Sequence(
        lambda n: Source(type="tests.source", ref=f"tests.source:{n}", label=f"TEST-{n}")
    )
    key = factory.Sequence(lambda n: f"tests:{n}")
    issued_on = factory.LazyFunction(lambda: dt.date.today())
    issued_by = None

    @classmethod
    def _build(cls, model_class: type[Certificate], *args: Any, **kwargs: Any) -> Certificate:
        raise NotImplementedError("A certificate exists only once issued: use create().")

    @classmethod
    def _create(cls, model_class: type[Certificate], *args: Any, **kwargs: Any) -> Certificate:
        return certificate_issue(
            certificate_type=kwargs["certificate_type"],
            holder=kwargs["holder"],
            data=kwargs["data"],
            source=kwargs["source"],
            key=kwargs["key"],
            issued_on=kwargs["issued_on"],
            issued_by=kwargs["issued_by"],
        )
