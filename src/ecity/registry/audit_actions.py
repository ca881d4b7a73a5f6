"""The audit actions of the information resource centre (see ``ecity.audit.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions

register_actions(
    {
        "registry.code_list_loaded": _("Code list loaded"),
        "registry.data_element_saved": _("Data element draft saved"),
        "registry.data_element_put_in_force": _("Data element put in force"),
        "registry.data_element_withdrawn": _("Data element withdrawn"),
        "registry.subject_term_saved": _("Subject term saved"),
        "registry.legal_entity_changed": _("Legal-entity record changed"),
        "registry.legal_entity_linked": _("Enterprise account linked to its registry record"),
        "registry.sharing_requested": _("Data sharing requested"),
        "registry.sharing_request_approved": _("Data sharing request approved"),
        "registry.sharing_request_refused": _("Data sharing request refused"),
        "registry.sharing_request_escalated": _("Overdue data sharing request escalated"),
        "registry.sharing_grant_revoked": _("Data sharing grant revoked"),
        "registry.legal_entity_shared_read": _("Legal-entity record read by a department system"),
        "registry.resource_saved": _("Catalogue resource draft saved"),
        "registry.resource_submitted": _("Catalogue resource submitted for review"),
        "registry.resource_returned": _("Catalogue resource returned to its provider"),
        "registry.resource_published": _("Catalogue resource published"),
        "registry.resource_revised": _("New version of a catalogue resource started"),
        "registry.resource_withdrawn": _("Catalogue resource withdrawn"),
        "registry.records_imported": _("Registry records imported (one batch)"),
        "registry.conflict_resolved": _("Registry conflict resolved by the authority"),
        "registry.indicator_saved": _("Macro-economic indicator saved"),
        "registry.indicator_status_changed": _(
            "Macro-economic indicator put in force or withdrawn"
        ),
        "registry.observation_written": _("Indicator figure written"),
        "registry.indicators_loaded": _("Indicator figures loaded from a file"),
        "registry.address_changed": _("Address record changed"),
        "registry.address_shared_read": _("Address record read by a department system"),
        "registry.region_boundary_saved": _("Region boundary saved"),
    }
)
# Changes of a person's record are changes of their personal data: listed on "who accessed
# my data" when the person has an account.
register_actions(
    {
        "registry.person_changed": _("Person record changed"),
        "registry.person_linked": _("Account linked to its person record"),
        "registry.dispute_raised": _("Dispute raised over a registry value"),
        "registry.dispute_settled": _("Dispute over a registry value settled"),
        # A department system read the record through the sharing API (or asked if it exists).
        "registry.person_shared_read": _("Person record read by a department system"),
        # Records exported as a file (personal values in full only with a grant or authority).
        "registry.records_exported": _("Registry records exported"),
    },
    is_data_access=True,
)
