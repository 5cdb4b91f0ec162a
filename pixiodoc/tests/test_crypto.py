import pytest

from pixiodoc import crypto


@pytest.fixture
def key():
    return crypto.new_data_key()


# S17
def test_round_trip_with_fresh_nonces(key):
    aad = crypto.blob_aad(patient="p", obj="o", label="thumb")
    first, second = (
        crypto.encrypt(key, b"pixels", aad),
        crypto.encrypt(key, b"pixels", aad),
    )
    assert first != second
    assert crypto.decrypt(key, first, aad) == b"pixels"


# S18
def test_a_flipped_byte_fails(key):
    aad = crypto.blob_aad(patient="p", obj="o", label="thumb")
    blob = bytearray(crypto.encrypt(key, b"pixels", aad))
    blob[-1] ^= 1
    with pytest.raises(crypto.IntegrityError):
        crypto.decrypt(key, bytes(blob), aad)


# S18
def test_a_blob_moved_to_another_record_fails(key):
    blob = crypto.encrypt(
        key, b"pixels", crypto.blob_aad(patient="p", obj="o1", label="thumb")
    )
    for other in (
        crypto.blob_aad(patient="p", obj="o2", label="thumb"),
        crypto.blob_aad(patient="q", obj="o1", label="thumb"),
        crypto.blob_aad(patient="p", obj="o1", label="display"),
    ):
        with pytest.raises(crypto.IntegrityError):
            crypto.decrypt(key, blob, other)


# S17
def test_data_keys_unwrap_only_for_their_owner(key):
    version, wrapped = crypto.wrap_data_key(key, owner="patient-a")
    assert crypto.unwrap_data_key(wrapped, version=version, owner="patient-a") == key
    with pytest.raises(crypto.IntegrityError):
        crypto.unwrap_data_key(wrapped, version=version, owner="patient-b")


# S20
def test_a_destroyed_key_cannot_be_unwrapped():
    with pytest.raises(crypto.KeyDestroyed):
        crypto.unwrap_data_key(None, version=1, owner="patient-a")
