"""The CSV export gives the same cells whether PostgreSQL or Python writes it."""

import csv
import io
import json

import pytest
from django.db import connection

from audit import exports
from audit.actions import Action, Outcome
from audit.models import AccessEvent
from audit.services import record_event


def _rows(chunks) -> list[dict]:
    text = "".join(c.decode() if isinstance(c, bytes) else c for c in chunks)
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:  # the same JSON may be spelt with its keys in another order
        row["details"] = json.loads(row["details"]) if row["details"] else None
    return rows


@pytest.fixture
def varied_events(rf, clinician, compliance):
    clinician.user.email = "=cmd@example.org"  # a formula-like address
    clinician.user.save()
    tricky = rf.get(
        "/",
        HTTP_USER_AGENT='-2+3 "quoted", with comma\nand a line',
        REMOTE_ADDR="2001:db8::1",
    )
    record_event(action=Action.SIGN_IN, actor=clinician, request=tricky)
    record_event(
        action=Action.SHARE_OPENED,
        actor_type="share_link",
        practice=clinician.practice,
        outcome=Outcome.DENIED,
        reason="@wrong_passcode",
        details={"zeta": 1, "alpha": {"b": [1, 2], "a": "x"}},
    )
    record_event(action=Action.PATIENT_VIEWED, actor=compliance, request=rf.get("/"))
    return AccessEvent.objects.filter(practice=clinician.practice)


def test_copy_and_python_give_the_same_csv(varied_events, clinician):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's; elsewhere only the Python writer runs")
    members = exports.members_by_id(clinician.practice)
    broken = varied_events.order_by("seq")[1].pk
    copied = _rows(exports._copied_csv(varied_events, members, broken))
    written = _rows(exports._written_csv(varied_events, members, broken))
    assert copied == written
    assert [r["chain"] for r in copied] == ["", "BROKEN", ""]
    assert copied[0]["member_email"] == "'=cmd@example.org"
    assert copied[0]["user_agent"].startswith("'-2+3")
    assert copied[0]["ip"] == "2001:db8::1"
    assert copied[1]["reason"] == "'@wrong_passcode"


def test_the_csv_is_filtered_and_in_chain_order(varied_events, clinician):
    signed_in = varied_events.filter(action=Action.SIGN_IN)
    rows = _rows(exports.csv_lines(signed_in, practice=clinician.practice))
    assert [r["action"] for r in rows] == ["sign_in"]
    every = _rows(exports.csv_lines(varied_events, practice=clinician.practice))
    assert [int(r["seq"]) for r in every] == sorted(int(r["seq"]) for r in every)
    assert every[1]["details"] == {"zeta": 1, "alpha": {"b": [1, 2], "a": "x"}}


def test_a_long_export_goes_out_whole_in_order_across_chunks(
    varied_events, clinician, monkeypatch
):
    monkeypatch.setattr("audit.exports.COPY_CHUNK", 2)
    monkeypatch.setattr("audit.exports.CHUNK", 2)
    more = [
        record_event(action=Action.PATIENT_VIEWED, actor=clinician) for _ in range(4)
    ]
    every = varied_events.filter(action__in=["sign_in", "patient_viewed"])
    rows = _rows(exports.csv_lines(every, practice=clinician.practice))
    expected = list(every.order_by("seq").values_list("seq", flat=True))
    assert [int(r["seq"]) for r in rows] == expected
    assert len(expected) == 2 + len(more)
