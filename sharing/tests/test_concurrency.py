import threading

import pytest
from django.db import connection
from django.test import Client

from audit.models import AccessEvent
from sharing.models import ShareAccess, ShareLink
from sharing.tests.factories import make_link

CLIENTS = 20


def open_all_at_once(token: str) -> list[int]:
    """Twenty recipients, each in its own thread and database connection, released together."""
    start = threading.Barrier(CLIENTS)
    statuses: list[int] = []
    lock = threading.Lock()

    def open_once():
        try:
            client = Client()
            start.wait()
            status = client.post(f"/s/{token}/").status_code
            with lock:
                statuses.append(status)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_once) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


# S22
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_opens_of_a_three_open_link_let_exactly_three_through(
    clinician,
):
    link, token = make_link(actor=clinician, open_limit=3)

    statuses = open_all_at_once(token)

    assert sorted(statuses) == [302] * 3 + [404] * 17
    link.refresh_from_db()
    assert link.opens == 3
    assert ShareAccess.objects.filter(link=link).count() == 3
    refused = AccessEvent.objects.filter(actor_uuid=link.uuid, action="share_refused")
    assert refused.count() == 17
    assert set(refused.values_list("reason", flat=True)) == {"exhausted"}
    assert ShareLink.objects.get(pk=link.pk).opens <= link.open_limit
