"""Keys checked at start (#20 item 2): wrong keys refuse to start, naming the key."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

from patients.tests.factories import make_patient
from pixiodoc import keycheck
from pixiodoc.config import new_key
from pixiodoc.models import KeyCheck
from pixiodoc.testing import url_of_test_database


@pytest.fixture
def recorded(db):
    """The keys of this process, recorded as a first start would."""
    assert keycheck.key_problems() == []
    return KeyCheck.objects.count()


def test_the_first_start_records_each_key_once(recorded):
    assert recorded == len(settings.KEY_ENCRYPTION_KEYS) + 2
    assert keycheck.key_problems() == []
    assert KeyCheck.objects.count() == recorded


def test_a_different_field_key_is_refused(recorded, settings):
    settings.FIELD_ENCRYPTION_KEY = [new_key()]
    assert keycheck.key_problems() == [keycheck._MISSING["field"]]


def test_a_different_blind_index_key_is_refused(recorded, settings):
    settings.BLIND_INDEX_KEY = new_key()
    (problem,) = keycheck.key_problems()
    assert problem.startswith("BLIND_INDEX_KEY does not match this database")


def test_a_different_kek_of_the_same_version_is_refused(recorded, settings):
    settings.KEY_ENCRYPTION_KEYS = {
        version: os.urandom(32) for version in settings.KEY_ENCRYPTION_KEYS
    }
    (problem,) = keycheck.key_problems()
    assert "KEY_ENCRYPTION_KEYS version" in problem and "does not match" in problem


# S19: dropping a KEK version before rotate_keys has moved every key off it
def test_a_dropped_kek_still_in_use_is_refused_until_rotated(
    recorded, settings, clinician
):
    make_patient(actor=clinician)
    old = dict(settings.KEY_ENCRYPTION_KEYS)
    newest = max(old) + 1
    settings.KEY_ENCRYPTION_KEYS = {**old, newest: os.urandom(32)}
    assert keycheck.key_problems() == []  # the new version is recorded

    settings.KEY_ENCRYPTION_KEYS = {newest: settings.KEY_ENCRYPTION_KEYS[newest]}
    (problem,) = keycheck.key_problems()
    assert f"lacks version {min(old)}, which still wraps 1 data keys" in problem

    settings.KEY_ENCRYPTION_KEYS = {**old, newest: settings.KEY_ENCRYPTION_KEYS[newest]}
    call_command("rotate_keys", wait=0)
    settings.KEY_ENCRYPTION_KEYS = {newest: settings.KEY_ENCRYPTION_KEYS[newest]}
    assert keycheck.key_problems() == []


def test_an_index_rotation_lets_the_old_key_go_only_once_done(recorded, settings):
    old = settings.BLIND_INDEX_KEY
    settings.BLIND_INDEX_KEY, settings.BLIND_INDEX_OLD_KEYS = new_key(), [old]
    assert keycheck.key_problems() == []  # new first, old kept: fine

    settings.BLIND_INDEX_OLD_KEYS = []  # dropped before the rotation ran
    assert keycheck.key_problems() == [keycheck._MISSING["index"]]

    settings.BLIND_INDEX_OLD_KEYS = [old]
    call_command("rotate_keys", blind_index=True, wait=0)
    settings.BLIND_INDEX_OLD_KEYS = []
    assert keycheck.key_problems() == []


def test_the_web_server_refuses_to_start_with_a_wrong_key(transactional_db):
    assert keycheck.key_problems() == []
    env = {
        **os.environ,
        "DATABASE_URL": url_of_test_database(),
        "FIELD_ENCRYPTION_KEY": new_key(),
        "DJANGO_SETTINGS_MODULE": "pixiodoc.settings",
    }
    started = subprocess.run(
        [sys.executable, "-c", "import pixiodoc.wsgi"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
    )
    assert started.returncode == 78
    assert started.stderr.strip().splitlines() == [
        f"PixioDoc refuses to start: {keycheck._MISSING['field']}."
    ]
