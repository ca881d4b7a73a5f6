"""The joint applications (一件事一次办) of the demo city, added when missing.

Runs with ``demo_approval_ensure``, so an existing demo database gains them too. The services
only they needed (``data.joint_services.ITEMS``) are loaded like every demo guide; each joint
application is created by the platform administrator acting for its lead department and
published through the catalogue services (so every configuration rule applies), with the
publication date of the demo data. A joint application that exists is left alone, and one
whose member services are missing is skipped.
"""

from __future__ import annotations

import logging

from ecity.catalogue.joint import services as joint_services
from ecity.catalogue.models import JointService, ServiceItem
from ecity.demo.data import joint_services as data
from ecity.demo.services.city import DemoLoadResult, _load_item, _morning
from ecity.identity.models import User
from ecity.org.models import Department

logger = logging.getLogger(__name__)


def demo_joint_services_ensure(*, actor: User) -> int:
    """Add the demo city's joint applications and the services they need; return how many new.

    Permissions: ``actor`` must administer the lead departments (the demo's platform
    administrator). Errors from the catalogue services (``ValidationFailed``) mean the demo
    data breaks a rule.
    """
    loaded = DemoLoadResult()
    for item in data.ITEMS:
        _load_item(loaded, item=item, actor=actor)
    created = 0
    for bundle in data.BUNDLES:
        if JointService.objects.filter(code=bundle.code).exists():
            continue
        codes = [member["service"] for member in bundle.spec["members"]]
        current = ServiceItem.objects.filter(code__in=codes, current_version__isnull=False)
        department = Department.objects.filter(code=bundle.department).first()
        if current.count() != len(codes) or department is None:
            logger.warning("demo: joint application %s skipped, services missing", bundle.code)
            continue
        service = joint_services.joint_service_create(
            actor=actor,
            code=bundle.code,
            life_event=bundle.life_event,
            department=department,
            name_zh=bundle.name_zh,
            name_en=bundle.name_en,
            **bundle.spec,
        )
        joint_services.joint_version_publish(
            actor=actor,
            version=service.versions.get(),
            published_at=_morning(bundle.published_on),
        )
        created += 1
    return created
