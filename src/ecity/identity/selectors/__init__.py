"""Reads about accounts and enterprises, with permission filtering built in.

These are also the helpers other apps call: ``acting_identity`` and ``legal_entities_for``
(roles and departments are in ``ecity.org.selectors``); the lookups of accounts by
encrypted value (``user_find_by_id_number``, ``users_with_phone``) and the masking policy
``can_see_unmasked``.

Each concept has its own module; the public functions are re-exported here.
"""

from ecity.identity.selectors.accounts import (  # noqa: F401
    account_label,
    accounts_visible,
    contact_changes_pending,
)
from ecity.identity.selectors.acting import (  # noqa: F401
    ACTING_SESSION_KEY,
    ActingIdentity,
    acting_identities,
    acting_identity,
)
from ecity.identity.selectors.enterprises import (  # noqa: F401
    act_for_check,
    agent_list,
    authorisation_for,
    can_act_for,
    can_manage_agents,
    legal_entities_for,
    legal_entity_get,
    legal_representative_of,
)
from ecity.identity.selectors.identity_levels import (  # noqa: F401
    ACT_FOR_ENTERPRISE,
    APPLY,
    CASE_DATA,
    identity_level_check,
    identity_level_meets,
    identity_level_required,
)
from ecity.identity.selectors.personal_data import (  # noqa: F401
    UNMASKING_ROLES,
    can_see_unmasked,
    id_number_index,
    phone_index,
    user_find_by_id_number,
    users_with_id_number,
    users_with_phone,
)
from ecity.identity.selectors.verification import (  # noqa: F401
    can_verify_at_counter,
    counter_legal_entity_find,
    counter_person_find,
    is_legal_representative_of,
    legal_representative_account,
)
