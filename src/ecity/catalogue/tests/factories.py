"""factory_boy factories for the service catalogue, and a ready-made published item."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from ecity.catalogue.models import (
    FAQ,
    LifeEvent,
    RequiredMaterial,
    ServiceItem,
    ServiceItemVersion,
    ServiceLocation,
    Theme,
)
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory, UserFactory
from ecity.org.models import StaffRole

APPLICATION_SCHEMA = {
    "type": "object",
    "title": "申请表",
    "properties": {
        "applicant_name": {
            "type": "string",
            "title": "申请人姓名",
            "title_en": "Applicant name",
            "description": "与身份证一致",
            "description_en": "As on the ID card",
            "minLength": 2,
            "maxLength": 20,
        },
        "id_number": {
            "type": "string",
            "title": "公民身份号码",
            "title_en": "Resident ID number",
            "format": "id_number",
        },
        "phone": {"type": "string", "title": "手机号码", "title_en": "Mobile", "format": "mobile"},
        "children": {
            "type": "integer",
            "title": "子女数",
            "title_en": "Number of children",
            "minimum": 0,
            "maximum": 10,
        },
        "delivery": {
            "type": "string",
            "title": "领取方式",
            "title_en": "How to receive",
            "enum": ["post", "counter"],
            "enumNames": ["邮寄", "窗口领取"],
            "enumNames_en": ["By post", "At the counter"],
            "x-widget": "radio",
        },
        "postcode": {"type": "string", "title": "邮政编码", "pattern": "[0-9]{6}"},
    },
    "required": ["applicant_name", "id_number", "delivery"],
    "x-order": ["applicant_name", "id_number", "phone", "children", "delivery", "postcode"],
}


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"theme-{n}")
    name_zh = factory.Sequence(lambda n: f"主题{n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")
    audience = "g2c"


class LifeEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LifeEvent
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"event-{n}")
    name_zh = factory.Sequence(lambda n: f"人生事件{n}")
    name_en = factory.Sequence(lambda n: f"Life event {n}")
    audience = "g2c"


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItem
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SI{n:05d}")
    department = factory.SubFactory(DepartmentFactory)


class VersionFactory(factory.django.DjangoModelFactory):
    """A complete draft guide; pass ``status`` and use ``publish_version`` for published ones."""

    class Meta:
        model = ServiceItemVersion

    item = factory.SubFactory(ServiceItemFactory)
    number = 1
    status = ServiceItemVersion.Status.DRAFT
    name_zh = factory.Sequence(lambda n: f"生育登记服务{n}")
    name_en = factory.Sequence(lambda n: f"Birth registration {n}")
    kind = ServiceItemVersion.Kind.PUBLIC_SERVICE
    summary_zh = "办理生育登记。"
    summary_en = "Register a birth."
    legal_basis = "《人口与计划生育条例》第十条"
    conditions = "本市户籍居民。"
    statutory_days = 20
    committed_days = 5
    for_g2c = True
    contact_phone = "12345"
    form_schema = factory.LazyFunction(lambda: dict(APPLICATION_SCHEMA))


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredMaterial

    version = factory.SubFactory(VersionFactory)
    name_zh = factory.Sequence(lambda n: f"申请材料{n}")
    name_en = factory.Sequence(lambda n: f"Material {n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceLocation

    version = factory.SubFactory(VersionFactory)
    name = "市民中心"
    address = "人民路1号"
    hours = "周一至周五 9:00-17:00"


class FAQFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FAQ

    version = factory.SubFactory(VersionFactory)
    question = "需要本人到场吗？"
    answer = "不需要。"


def publish_version(version: ServiceItemVersion) -> ServiceItemVersion:
    """Mark ``version`` published and current directly (test set-up, not the service)."""
    version.item.versions.filter(status=ServiceItemVersion.Status.PUBLISHED).update(
        status=ServiceItemVersion.Status.SUPERSEDED
    )
    version.status = ServiceItemVersion.Status.PUBLISHED
    version.published_at = timezone.now() - dt.timedelta(days=1)
    version.save()
    version.item.current_version = version
    version.item.save()
    return version


def published_item(*, themes=(), life_events=(), **version_fields) -> ServiceItem:
    """A service item with one published version (and its themes and life events)."""
    version = VersionFactory(**version_fields)
    version.themes.set(themes)
    version.life_events.set(life_events)
    publish_version(version)
    return version.item


def department_admin(department=None):
    """A user who is department administrator of ``department``."""
    role = StaffRoleFactory(
        department=department or DepartmentFactory(), role=StaffRole.Role.DEPARTMENT_ADMIN
    )
    return role.user


def platform_admin():
    """A user holding the platform administrator role."""
    return StaffRoleFactory(department=None, role=StaffRole.Role.PLATFORM_ADMIN).user


__all__ = ["UserFactory"]
