"""Links higher apps register for a photo's page (imaging names none of them)."""

import pytest

from imaging import photo_actions
from imaging.tests.factories import make_photo


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setattr(photo_actions, "_actions", {})
    photo_actions.register_photo_action(
        label="Open elsewhere", url_name="imaging:viewer", action="delete_photo"
    )


def test_a_registered_link_shows_to_a_role_that_may_follow_it(
    registered, clinician, assistant
):
    photo = make_photo(actor=clinician)

    assert photo_actions.photo_actions(member=clinician, photo=photo) == [
        ("Open elsewhere", photo.get_absolute_url())
    ]
    assert photo_actions.photo_actions(member=assistant, photo=photo) == []
