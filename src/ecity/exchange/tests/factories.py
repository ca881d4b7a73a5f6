"""factory_boy factories for exchange parties."""

from __future__ import annotations

import factory

from ecity.exchange.models import Member, MemberClass, Subsystem


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    instance = "CN-DEMO"
    member_class = MemberClass.GOV
    code = factory.Sequence(lambda n: f"DEPT{n:03d}")
    name = factory.Sequence(lambda n: f"测试部门{n}")


class SubsystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subsystem

    member = factory.SubFactory(MemberFactory)
    code = factory.Sequence(lambda n: f"SYS{n:03d}")
    name = factory.Sequence(lambda n: f"测试系统{n}")
    identifier = factory.LazyAttribute(lambda o: f"{o.member.identifier}/{o.code}")
