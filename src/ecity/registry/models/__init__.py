"""The information resource centre's models.

``metadata``: code lists and their values, data elements (数据元).
``records``: the base registries' records of persons and legal entities, their attributes'
provenance, change log and conflicts.
``places``: the places and addresses registry (addresses, region boundaries).
``thesaurus``: the subject thesaurus (主题词表).
``resources``: the government information resource catalogue (政务信息资源目录).
``imports``: bulk imports into the base registries; ``disputes``: disputes (异议) over a value.
``sharing``: sharing requests and grants of the catalogue's conditional items.
``indicators``: the macro-economic indicators registry (指标 and their observations).
"""

from ecity.registry.models.disputes import Dispute  # noqa: F401
from ecity.registry.models.imports import ImportJob, Registry  # noqa: F401
from ecity.registry.models.indicators import (  # noqa: F401
    Aggregation,
    Frequency,
    Indicator,
    Observation,
    ObservationRevision,
    ObservationStatus,
    Subject,
)
from ecity.registry.models.metadata import CodeList, CodeValue, DataElement  # noqa: F401
from ecity.registry.models.places import (  # noqa: F401
    Address,
    CoordinateSource,
    CoordinateSystem,
    RegionBoundary,
)
from ecity.registry.models.records import (  # noqa: F401
    LegalEntityRecord,
    Person,
    RecordAttribute,
    RecordChange,
    RecordConflict,
    Source,
)
from ecity.registry.models.resources import (  # noqa: F401
    OpenType,
    Resource,
    ResourceCategory,
    ResourceFormat,
    ResourceItem,
    ResourceVersion,
    ShareMethod,
    ShareType,
    UpdateCycle,
)
from ecity.registry.models.sharing import SharingGrant, SharingRequest  # noqa: F401
from ecity.registry.models.thesaurus import SubjectTerm  # noqa: F401
