"""Upgrading a database of the previous version: accounts marked real-name verified become
level 2 ("legacy": how they were verified was not recorded), the others stay registered."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ecity.identity.models import LegalEntity, User

# Upgrades from older schemas: run on PostgreSQL (scripts/test.sh; see its note on SQLite).
pytestmark = pytest.mark.migrations

BEFORE = [("identity", "0009_staff_account")]


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def back_to_latest():
    yield
    migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_upgrade_turns_the_real_name_flag_into_levels(back_to_latest):
    # given a database of the previous version with a verified and an unverified account
    # the state migrate() ends in: the models of every migration still applied
    state = MigrationExecutor(connection).migrate(BEFORE).apps
    old_user = state.get_model("identity", "User")
    old_user.objects.create(username="verified", password="!", is_real_name_verified=True)
    old_user.objects.create(username="registered", password="!")
    state.get_model("identity", "LegalEntity").objects.create(
        uscc="91110105000000801X", name="老企业", legal_representative_name="王五", is_verified=True
    )

    # when the database is upgraded
    migrate_to_latest()

    # then
    levels = {u.username: (u.identity_level, u.identity_method) for u in User.objects.all()}
    assert levels == {"verified": (2, "legacy"), "registered": (1, "")}
    assert User.objects.get(username="verified").is_real_name_verified
    entity = LegalEntity.objects.get(name="老企业")
    assert (entity.is_verified, entity.verification_method) == (True, "legacy")
