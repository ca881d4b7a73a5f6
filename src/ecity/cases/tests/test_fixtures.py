"""The shared joint-service fixture is what case tests assume it is."""

from ecity.catalogue.models import ServiceItemVersion


def test_joint_service_is_published_with_limits_and_materials(joint):
    assert joint.version.status == ServiceItemVersion.Status.PUBLISHED
    assert joint.item.current_version == joint.version
    assert (joint.version.acceptance_days, joint.version.committed_days) == (5, 10)
    assert joint.version.statutory_days == 20
    assert [m.is_mandatory for m in joint.version.materials.order_by("sort_order")] == [True, False]
