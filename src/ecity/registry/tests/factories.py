"""factory_boy factories for the registry's metadata."""

from __future__ import annotations

import factory

from ecity.registry.models import (
    CodeList,
    CodeValue,
    DataElement,
    Resource,
    ResourceItem,
    ShareType,
)


class CodeListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodeList
        django_get_or_create = ("identifier",)

    identifier = factory.Sequence(lambda n: f"TEST-{n}")
    name = factory.Sequence(lambda n: f"测试代码表{n}")
    name_en = factory.Sequence(lambda n: f"Test code list {n}")


class CodeValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodeValue

    code_list = factory.SubFactory(CodeListFactory)
    code = factory.Sequence(lambda n: f"{n:02d}")
    name = factory.Sequence(lambda n: f"代码{n}")


class DataElementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataElement
        django_get_or_create = ("identifier",)

    identifier = factory.Sequence(lambda n: f"DE9{n:03d}")
    name = factory.Sequence(lambda n: f"测试数据元{n}")
    name_en = factory.Sequence(lambda n: f"Test data element {n}")
    status = DataElement.Status.IN_FORCE


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    code = factory.Sequence(lambda n: f"TEST-RES-{n:04d}")
    name = factory.Sequence(lambda n: f"测试信息资源{n}")
    name_en = factory.Sequence(lambda n: f"Test resource {n}")
    provider = factory.SubFactory("ecity.identity.tests.factories.DepartmentFactory")
    summary = "测试用的信息资源摘要。"
    share_type = ShareType.UNCONDITIONAL


class ResourceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceItem

    resource = factory.SubFactory(ResourceFactory)
    data_element = factory.SubFactory(DataElementFactory)
    order = factory.Sequence(lambda n: n)
