"""Which process of a document runs: the one process, or the one executable pool of several."""

from __future__ import annotations

from django.utils.translation import gettext as _
from lxml import etree

from ecity.workflow.bpmn.bpmnxml import bpmn, label


class ProcessChoice:
    """Mixin of the document checker: finds the process ecity runs (sets ``pool_refs``)."""

    root: etree._Element
    pool_refs: set[str | None]

    def error(self, message: str) -> None:
        raise NotImplementedError

    def is_pool(self, process: etree._Element) -> bool:
        """Whether ``process`` is a non-executable pool of the collaboration (drawn only)."""
        return process.get("isExecutable") == "false" and process.get("id") in self.pool_refs

    def find_process(self) -> etree._Element | None:
        """The one process ecity runs.

        A file holds one process; or a collaboration (pools) drawn in a modeller, whose one
        executable pool runs while the pools marked not executable (the applicant, an outside
        party) are only drawn.
        """
        processes = self.root.findall(bpmn("process"))
        ids = {p.get("id") for p in processes}
        self.pool_refs = {
            p.get("processRef") for p in self.root.iter(bpmn("participant")) if p.get("processRef")
        }
        for participant in self.root.iter(bpmn("participant")):
            ref = participant.get("processRef")
            if ref and ref not in ids:
                self.error(
                    _("%(element)s refers to an unknown process %(ref)s.")
                    % {"element": label(participant), "ref": ref}
                )
        if len(processes) == 1:
            process = processes[0]
            if process.get("isExecutable", "true") != "true":
                self.error(
                    _(
                        '%(element)s is not executable: set isExecutable="true" (in the '
                        "modeller: “Executable”)."
                    )
                    % {"element": label(process)}
                )
            return process
        running = [p for p in processes if not self.is_pool(p)]
        if len(running) != 1:
            if len(processes) > 1:
                self.error(
                    _(
                        "A file must contain exactly one executable process; this one has "
                        "%(count)d. Mark the pools of the applicant and of other parties as not "
                        "executable (in the modeller: untick “Executable”)."
                    )
                    % {"count": len(running)}
                )
            else:
                self.error(_("A file must contain exactly one process; this one has none."))
            return None
        return running[0]
