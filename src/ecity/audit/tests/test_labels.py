from ecity.audit.labels import field_labels, object_type_label


def test_entries_written_before_a_model_moved_app_keep_a_readable_type():
    # given an entry recorded when staff roles lived in identity (same table, identity_staffrole)
    # when the auditor's page labels its object type
    # then it reads as the model that owns the table now, not as the raw dotted name
    assert object_type_label("identity.staffrole") == object_type_label("org.staffrole")
    assert object_type_label("identity.staffrole") != "identity.staffrole"
    assert field_labels("identity.department", ["code"]) == field_labels("org.department", ["code"])


def test_unknown_object_types_are_shown_as_they_are():
    assert object_type_label("nosuch.model") == "nosuch.model"
    assert object_type_label("plain") == "plain"
