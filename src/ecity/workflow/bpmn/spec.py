"""What a valid process is made of, and the error that lists what is wrong with one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy

from ecity.core.errors import ValidationFailed
from ecity.org.models import StaffRole
from ecity.workflow.errors import WorkflowErrorCode

KINDS = ("accept", "review", "decide")
# Names the workbench puts into the process data when a task is completed; conditions may use
# them besides the form fields (e.g. ``outcome == "approve"``), as well as "<task id>_outcome".
TASK_OUTPUT_NAMES = ("outcome", "opinion")


class ProcessInvalid(ValidationFailed):
    """The BPMN process cannot be accepted; ``errors`` lists every problem found."""

    default_code = WorkflowErrorCode.PROCESS_INVALID
    default_message = gettext_lazy("The process definition is not valid.")

    def __init__(self, errors: Iterable[str]) -> None:
        self.errors = [str(e) for e in errors]
        super().__init__(fields={"bpmn_xml": self.errors})


@dataclass(frozen=True)
class UserTaskInfo:
    """A user task of a process, and who handles it."""

    id: str
    name: str
    department_code: str
    role: str
    kind: str  # "accept" | "review" | "decide"


@dataclass
class ProcessSpec:
    """What ecity knows about a valid process (and SpiffWorkflow's parsed spec to run it)."""

    process_id: str
    name: str
    tasks: dict[str, UserTaskInfo]
    timers: dict[str, str] = field(default_factory=dict)  # event id -> ISO 8601 duration
    max_parallel_branches: int = 0
    spiff_spec: Any = field(default=None, repr=False, compare=False)

    @property
    def department_codes(self) -> list[str]:
        """The departments with user tasks, in the order of their first task."""
        return list(dict.fromkeys(task.department_code for task in self.tasks.values()))


def staff_roles() -> list[str]:
    """The roles a user task may name: every department staff role."""
    return [role for role in StaffRole.Role.values if role != StaffRole.Role.PLATFORM_ADMIN]


def max_parallel_branches() -> int:
    return int(settings.ECITY_MAX_PARALLEL_BRANCHES)
