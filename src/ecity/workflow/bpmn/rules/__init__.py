"""The rules an uploaded BPMN document must follow: elements, extensions, flows, events, paths.

``document.DocumentChecker`` applies them all; each concept is a mixin in its own module
(``elements``, ``pools``, ``graph``, ``events``, ``branching``; user tasks are
``bpmn.assignment``'s).
"""

from ecity.workflow.bpmn.rules.document import MAX_FLOW_NODES, DocumentChecker  # noqa: F401
from ecity.workflow.bpmn.rules.elements import (  # noqa: F401
    ALLOWED_BPMN_ELEMENTS,
    CODE_ATTRIBUTES,
    CODE_EXTENSIONS,
    DIAGRAM_NAMESPACES,
    FLOW_NODES,
    RESERVED_IDS,
    RESERVED_SUFFIXES,
)
