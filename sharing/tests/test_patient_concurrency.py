import threading

import pytest
from django.db import connection
from django.test import Client

from audit.models import AccessEvent
from sharing.models import PatientLink
from sharing.tests.factories import make_patient_link

CLIENTS = 20


def answer_all_at_once(token: str, date_of_birth: str) -> list[int]:
    """Twenty phones, each in its own thread and database connection, released together."""
    start = threading.Barrier(CLIENTS)
    statuses: list[int] = []
    lock = threading.Lock()

    def answer_once():
        try:
            client = Client()
            start.wait()
            status = client.post(
                f"/p/{token}/", {"date_of_birth": date_of_birth}
            ).status_code
            with lock:
                statuses.append(status)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer_once) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


# S6 (issue 15): the count runs under the link's row lock, so it is exact.
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_wrong_answers_lock_the_link_after_exactly_five(
    clinician,
):
    link, token = make_patient_link(actor=clinician)

    statuses = answer_all_at_once(token, "1999-01-01")

    # Four see the form again; the fifth locks it; the rest meet the neutral page.
    assert sorted(statuses) == [200] * 4 + [404] * 16
    link.refresh_from_db()
    assert link.failed_checks == 5 and link.locked_at is not None
    failed = AccessEvent.objects.filter(
        actor_uuid=link.uuid, action="patient_link_check_failed"
    )
    assert failed.count() == 5
    assert AccessEvent.objects.filter(action="patient_link_locked").count() == 1
    assert PatientLink.objects.get(pk=link.pk).sessions == 0
