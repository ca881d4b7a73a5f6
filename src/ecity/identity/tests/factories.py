"""factory_boy factories for organisations and accounts, shared by every app's tests."""

from __future__ import annotations

import datetime as dt

import factory

from ecity.identity.models import AgentAuthorisation, IdentityLevel, LegalEntity, User
from ecity.org.models import Department, Region, StaffRole

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def id_number_for(n: int, *, region: str = "110105", born: dt.date = dt.date(1990, 5, 17)) -> str:
    """A valid 18-character resident ID number (GB 11643) with sequence ``n``."""
    body = f"{region}{born:%Y%m%d}{n % 1000:03d}"
    total = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def uscc_for(n: int, *, region: str = "110105") -> str:
    """A valid unified social credit code (GB 32100) with organisation sequence ``n``."""
    # "91" = enterprise registered by market regulation; 9-char organisation code.
    org = f"{n % 10**8:08d}"
    org_weights = [3, 7, 9, 10, 5, 8, 4, 2]
    check = 11 - sum(int(c) * w for c, w in zip(org, org_weights, strict=True)) % 11
    org_check = {10: "X", 11: "0"}.get(check, str(check))
    body = f"91{region}{org}{org_check}"
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_ALPHABET[(31 - total % 31) % 31]


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{990000 + n}")
    name_zh = factory.Sequence(lambda n: f"测试区{n}")
    name_en = factory.Sequence(lambda n: f"Test District {n}")
    level = Region.Level.DISTRICT


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:04d}")
    name_zh = factory.Sequence(lambda n: f"测试局{n}")
    name_en = factory.Sequence(lambda n: f"Test Bureau {n}")
    region = factory.SubFactory(RegionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    """A registered account (level 1). ``is_real_name_verified=True`` makes it level 2 (as if
    matched by the person registry), ``identity_level=3`` verified in person."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    class Params:
        is_real_name_verified = factory.Trait(
            identity_level=IdentityLevel.REAL_NAME, identity_method="registry"
        )

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    real_name = factory.Sequence(lambda n: f"张{n}")
    # Another district than id_number_for's default, so that the numbers tests write out
    # (id_number_for(501)) never meet a generated one, whatever the sequence has reached.
    id_number = factory.Sequence(lambda n: id_number_for(n, region="110108"))
    phone = factory.Sequence(lambda n: f"138{n % 10**8:08d}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffUserFactory(UserFactory):
    """A civil servant's work account (``is_staff_account``): the only kind that holds roles."""

    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff_account = True


class LegalEntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalEntity
        django_get_or_create = ("uscc",)

    class Params:
        verified = factory.Trait(is_verified=True, verification_method="counter")

    uscc = factory.Sequence(uscc_for)
    name = factory.Sequence(lambda n: f"示范科技有限公司{n}")
    legal_representative_name = "李四"


class AgentAuthorisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentAuthorisation

    legal_entity = factory.SubFactory(LegalEntityFactory)
    user = factory.SubFactory(UserFactory)
    role = AgentAuthorisation.Role.AGENT


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(StaffUserFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = StaffRole.Role.REVIEWER
