"""Personal data of accounts: encrypted at rest, found by blind index, masked by role."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import FieldError, ValidationError
from django.db import IntegrityError, connection, transaction
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import ValidationFailed
from ecity.core.masking import (
    mask_address,
    mask_form_data,
    mask_id_number,
    mask_phone,
    personal_form_fields,
)
from ecity.identity import selectors, services
from ecity.identity.models import LegalEntity, User
from ecity.identity.tests.factories import (
    LegalEntityFactory,
    StaffRoleFactory,
    UserFactory,
    id_number_for,
)
from ecity.org.models import StaffRole

PASSWORD = "correct-horse-battery"


def raw_row(table: str, columns: list[str], pk: int) -> dict[str, str]:
    """The values as stored in the database, bypassing the model fields."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return dict(zip(columns, cursor.fetchone(), strict=True))


# --- at rest ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_account_identifiers_are_stored_encrypted_and_read_back_in_clear():
    user = UserFactory(
        id_number=id_number_for(7), phone="13800000007", address="示范市东城区人民路1号"
    )

    raw = raw_row("identity_user", ["id_number", "phone", "address"], user.pk)
    user.refresh_from_db()

    assert all(value.startswith("v1$") for value in raw.values())
    assert id_number_for(7) not in str(raw) and "13800000007" not in str(raw)
    assert "人民路" not in str(raw)
    assert (user.id_number, user.phone, user.address) == (
        id_number_for(7),
        "13800000007",
        "示范市东城区人民路1号",
    )


@pytest.mark.django_db
def test_legal_representative_id_phone_and_address_are_encrypted():
    entity = LegalEntityFactory(
        legal_representative_id_number=id_number_for(8),
        phone="0999-1234567",
        address="示范市高新区1号",
    )

    raw = raw_row(
        "identity_legalentity", ["legal_representative_id_number", "phone", "address"], entity.pk
    )

    assert all(value.startswith("v1$") for value in raw.values())
    assert LegalEntity.objects.get(pk=entity.pk).legal_representative_id_number == id_number_for(8)


@pytest.mark.django_db
def test_legacy_plaintext_value_is_still_read():
    user = UserFactory(phone="13800000009")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE identity_user SET phone = %s WHERE id = %s", ["13800000010", user.pk]
        )

    assert User.objects.get(pk=user.pk).phone == "13800000010"


@pytest.mark.django_db
def test_filtering_on_an_encrypted_column_fails_loudly():
    with pytest.raises(FieldError, match="blind index"):
        list(User.objects.filter(id_number=id_number_for(1)))


# --- lookups by exact value -------------------------------------------------------------------


@pytest.mark.django_db
def test_user_find_by_id_number_uses_the_normalised_blind_index():
    target = UserFactory(id_number="11010519491231002X")
    UserFactory()

    with CaptureQueriesContext(connection) as queries:
        found = selectors.user_find_by_id_number(id_number=" 11010519491231002x ")

    assert found == target
    assert len(queries) == 1
    assert "id_number_index" in queries[0]["sql"]
    assert selectors.user_find_by_id_number(id_number="110105194912310029") is None
    assert selectors.user_find_by_id_number(id_number="") is None


@pytest.mark.django_db
def test_users_with_phone_accepts_the_ways_people_type_a_number():
    target = UserFactory(phone="13912345678")

    assert list(selectors.users_with_phone("+86 139-1234-5678")) == [target]
    assert list(selectors.users_with_phone("")) == []


@pytest.mark.django_db
def test_blind_index_follows_a_changed_phone_number():
    user = UserFactory(phone="13912345678")

    user.phone = "13700000001"
    user.save()

    assert list(selectors.users_with_phone("13912345678")) == []
    assert list(selectors.users_with_phone("13700000001")) == [user]


@pytest.mark.django_db
def test_login_by_phone_number_is_one_indexed_query():
    user = UserFactory(username="loginphone", phone="13911112222")

    with CaptureQueriesContext(connection) as queries:
        authenticated = authenticate(None, username="139 1111 2222", password=PASSWORD)

    assert authenticated == user
    lookups = [q["sql"] for q in queries if 'FROM "identity_user"' in q["sql"]]
    assert len(lookups) == 1 and "phone_index" in lookups[0]


@pytest.mark.django_db
def test_registration_refuses_an_id_number_or_phone_already_registered():
    UserFactory(id_number=id_number_for(41), phone="13900000041")

    with pytest.raises(ValidationFailed) as error:
        services.citizen_register(
            username="newperson",
            password="An0ther-Secret!",
            real_name="新人",
            id_number=id_number_for(41),
            phone="13900000041",
            email="new@example.cn",
        )

    assert set(error.value.fields) >= {"id_number", "phone"}


@pytest.mark.django_db
def test_database_keeps_one_account_per_id_number_through_the_index():
    UserFactory(id_number=id_number_for(42))

    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="twin", id_number=id_number_for(42), phone="13900000042")


@pytest.mark.django_db
def test_full_clean_reports_a_duplicate_id_number_in_words():
    UserFactory(id_number=id_number_for(43))
    twin = User(username="twin2", id_number=id_number_for(43), phone="13900000043")
    twin.set_password(PASSWORD)

    with translation.override("en"), pytest.raises(ValidationError) as error:
        twin.full_clean()

    assert error.value.messages == ["An account with this ID number is already registered."]


@pytest.mark.django_db
def test_accounts_without_id_number_or_phone_do_not_collide():
    UserFactory(username="blank1", id_number="", phone="")
    UserFactory(username="blank2", id_number="", phone="")

    assert User.objects.filter(id_number_index="", phone_index="").count() == 2


@pytest.mark.django_db
def test_admin_finds_an_account_by_its_exact_id_number(admin_client):
    target = UserFactory(username="findbyid", id_number=id_number_for(44))

    page = admin_client.get("/admin/identity/user/", {"q": id_number_for(44)})

    assert page.status_code == 200
    assert target.username in page.content.decode()


# --- masking ----------------------------------------------------------------------------------


def test_masks_follow_the_issue_examples():
    assert mask_id_number("11010119900307123X") == "1101**********123X"
    assert mask_phone("13800000001") == "138****0001"
    assert mask_address("示范市东城区人民路100号3单元") == "示范市东城区****"
    assert mask_address("东城区") == "东****"
    assert mask_id_number("") == "" and mask_address("") == ""


def test_form_data_is_masked_by_format_and_address_name():
    schema = {
        "properties": {
            "id_number": {"type": "string", "format": "id_number"},
            "mobile": {"type": "string", "format": "mobile"},
            "home_address": {"type": "string"},
            "shop_name": {"type": "string"},
        }
    }
    data = {
        "id_number": "11010119900307123X",
        "mobile": "13800000001",
        "home_address": "示范市东城区人民路100号",
        "shop_name": "小明面馆",
        "area": 35,
    }

    assert mask_form_data(data, schema) == {
        "id_number": "1101**********123X",
        "mobile": "138****0001",
        "home_address": "示范市东城区****",
        "shop_name": "小明面馆",
        "area": 35,
    }
    assert personal_form_fields(data, schema) == ["id_number", "mobile", "home_address"]


@pytest.mark.django_db
def test_a_person_sees_their_own_data_unmasked():
    person = UserFactory()

    assert selectors.can_see_unmasked(actor=person, subject=person)


@pytest.mark.django_db
def test_staff_see_unmasked_only_on_a_case_they_handle():
    reviewer = StaffRoleFactory(role=StaffRole.Role.REVIEWER).user
    applicant = UserFactory()

    assert not selectors.can_see_unmasked(actor=reviewer, subject=applicant)
    assert selectors.can_see_unmasked(actor=reviewer, subject=applicant, handles_case=True)
    assert selectors.can_see_unmasked(actor=reviewer, subject=None, handles_case=True)


@pytest.mark.django_db
def test_other_citizens_never_see_unmasked_even_if_told_they_handle():
    stranger, applicant = UserFactory(), UserFactory()

    assert not selectors.can_see_unmasked(actor=stranger, subject=applicant, handles_case=True)


@pytest.mark.django_db
def test_personal_tag_masks_unless_the_view_allows_it():
    template = Template(
        '{% load personal_data %}{% personal value "id_number" %}|{{ value|masked:"phone" }}'
    )

    hidden = template.render(Context({"value": "11010119900307123X"}))
    shown = template.render(Context({"value": "11010119900307123X", "show_personal_data": True}))

    assert hidden.startswith("1101**********123X|")
    assert shown.startswith("11010119900307123X|")


@pytest.mark.django_db
def test_admin_opening_an_account_records_a_personal_data_read(admin_client, admin_user):
    person = UserFactory(username="looked-at")

    page = admin_client.get(f"/admin/identity/user/{person.pk}/change/")

    assert page.status_code == 200
    [entry] = AuditEntry.objects.filter(action="personal_data.read")
    assert entry.actor == admin_user and entry.subject == person
    assert entry.fields == ["id_number", "phone", "address"]


@pytest.mark.django_db
def test_a_login_name_that_normalises_to_nothing_matches_no_account_without_phone():
    UserFactory(username="nophone", phone="")

    assert authenticate(None, username="-", password=PASSWORD) is None
    assert authenticate(None, username="( )", password=PASSWORD) is None
