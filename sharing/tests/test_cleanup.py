from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AccessEvent
from pixiodoc.celery import app
from sharing import tasks
from sharing.models import ShareFailure, ShareLink
from sharing.services import delete_closed_links
from sharing.tests.factories import make_link


def age(link, *, days):
    """Move a link's life `days` into the past (created 7 days before it expired)."""
    now = timezone.now()
    ShareLink.objects.filter(pk=link.pk).update(
        created_at=now - timedelta(days=days + 7),
        expires_at=now - timedelta(days=days),
    )


def test_links_closed_over_thirty_days_ago_are_deleted(clinician):
    old, _ = make_link(actor=clinician)
    age(old, days=31)
    recent, _ = make_link(actor=clinician)
    age(recent, days=29)
    live, _ = make_link(actor=clinician)
    revoked, _ = make_link(actor=clinician)
    ShareLink.objects.filter(pk=revoked.pk).update(
        revoked_at=timezone.now() - timedelta(days=31)
    )

    assert delete_closed_links() == 2
    assert set(ShareLink.objects.values_list("pk", flat=True)) == {recent.pk, live.pk}
    deleted = AccessEvent.objects.filter(action="share_deleted")
    assert set(deleted.values_list("object_uuid", flat=True)) == {
        old.uuid,
        revoked.uuid,
    }
    assert set(deleted.values_list("actor_type", flat=True)) == {"system"}
    assert delete_closed_links() == 0  # idempotent


def test_old_failure_counts_are_dropped(clinician):
    ShareFailure.objects.create(ip="203.0.113.1", kind="unknown_token")
    ShareFailure.objects.create(
        ip="203.0.113.1",
        kind="unknown_token",
        at=timezone.now() - timedelta(hours=1),
    )
    delete_closed_links()
    assert ShareFailure.objects.count() == 1


def test_the_cleanup_is_on_beats_schedule():
    entries = [e["task"] for e in app.conf.beat_schedule.values()]
    assert tasks.delete_closed_links.name in entries


@pytest.mark.integration
def test_the_cleanup_runs_through_a_real_worker(celery_worker_process, clinician):
    old, _ = make_link(actor=clinician)
    age(old, days=40)
    live, _ = make_link(actor=clinician)
    assert tasks.delete_closed_links.delay().get(timeout=60) == 1
    assert list(ShareLink.objects.values_list("pk", flat=True)) == [live.pk]
