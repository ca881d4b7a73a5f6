"""The service catalogue: service items (事项) with their versioned guides, and joint applications.

``service``: themes, life events, service items and their versions, materials, locations, FAQs.
``joint``: joint applications (一件事一次办) that bundle several services of a life event.
"""

from ecity.catalogue.models.joint import (  # noqa: F401
    JointService,
    JointServiceMember,
    JointServiceVersion,
    JointSharedField,
    JointSharedMaterial,
)
from ecity.catalogue.models.service import (  # noqa: F401
    FAQ,
    TIME_LIMIT_MAX_WORKING_DAYS,
    Audience,
    BilingualName,
    LifeEvent,
    RegistrySource,
    RequiredMaterial,
    ServiceItem,
    ServiceItemVersion,
    ServiceLocation,
    Theme,
    time_limit_message,
    validate_time_limit,
)
