"""Error codes of the process engine and worklists (see ``ecity.core.errors``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecity.core.errors import error_codes_register


@error_codes_register
class WorkflowErrorCode(models.TextChoices):
    PROCESS_INVALID = "process_invalid", _("The BPMN process breaks a rule (see fields).")
    TASK_NOT_READY = "task_not_ready", _("The task is not ready in the process.")
    PROCESS_STEP_FAILED = "process_step_failed", _("The process could not take the next step.")
    WORKFLOW_STATE_INVALID = "workflow_state_invalid", _("The stored process state is damaged.")
