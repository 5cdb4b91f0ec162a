import hashlib

import pytest
from django.db import IntegrityError

from sharing import passcodes, tokens
from sharing.models import ShareLink
from sharing.tests.factories import make_link


# S21
def test_tokens_carry_at_least_128_random_bits():
    token = tokens.new_token()
    # token_urlsafe: 6 bits a character.
    assert len(token) * 6 >= 128
    assert tokens.looks_like_token(token)
    assert len({tokens.new_token() for _ in range(1000)}) == 1000


# S21
def test_only_the_sha256_of_a_token_is_stored(clinician):
    link, token = make_link(actor=clinician)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = ShareLink.objects.filter(pk=link.pk).values().get()
    assert token not in repr(stored)


# S21
def test_token_hashes_are_unique(clinician):
    link, _ = make_link(actor=clinician)
    with pytest.raises(IntegrityError):
        ShareLink.objects.create(
            practice=link.practice,
            patient=link.patient,
            recipient_name="x",
            recipient_email="x@example.org",
            token_hash=link.token_hash,
            expires_at=link.expires_at,
        )


def test_things_that_are_not_tokens_are_refused_before_any_lookup():
    assert not tokens.looks_like_token("short")
    assert not tokens.looks_like_token("a" * 43 + "'")
    assert not tokens.looks_like_token("a" * 200)


def test_passcodes_are_stored_as_django_password_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    code = passcodes.new_passcode()
    hashed = passcodes.hash_passcode(code)
    assert code not in hashed
    assert hashed.startswith("pbkdf2_sha256$")
    assert passcodes.passcode_matches(code, hashed)
    assert not passcodes.passcode_matches(code[:-1], hashed)
    assert not passcodes.passcode_matches(code, "")


def test_passcodes_forgive_case_spaces_and_dashes():
    hashed = passcodes.hash_passcode("ABCD23EFGH")
    assert passcodes.passcode_matches("abcd 23-efgh", hashed)


def test_generated_passcodes_avoid_look_alike_characters():
    codes = "".join(passcodes.new_passcode() for _ in range(200))
    assert not set(codes) & set("01OIl")
    assert len(passcodes.new_passcode()) >= 10
