"""The timeline's interoperability actions (patients.timeline; patients never names us).

Above the visits: download the record as FHIR or the photos as DICOM, send
them to a PACS, and where each destination stands (sent, pending, failed with
the reasons). In each visit: the same for that visit. Three queries in all,
whatever the number of visits.
"""

from django.db.models import Count

from interop.models import PacsPush
from interop.selectors import destinations_for, pushes_for
from patients.timeline import TimelineSection, register


def _destinations(member) -> list:
    if not member.may("send_to_pacs"):
        return []
    return list(destinations_for(member=member).only("uuid", "name"))


def patient_context(member, patient, visits, *, query) -> dict:
    destinations = _destinations(member)
    counts = (
        pushes_for(member=member, patient=patient)
        .values("destination__name", "status")
        .annotate(n=Count("id"))
        .order_by("destination__name", "status")
    )
    states: dict[str, dict] = {}
    for row in counts:
        states.setdefault(row["destination__name"], {})[row["status"]] = row["n"]
    # Why photos wait (a PACS that is down, retried) or were not sent.
    reasons = sorted(
        set(
            pushes_for(member=member, patient=patient)
            .exclude(status=PacsPush.Status.SENT)
            .exclude(reason="")
            .values_list("status", "reason")
        )
    )
    return {
        "patient": patient,
        "destinations": destinations,
        "states": sorted(states.items()),
        "failures": reasons,
    }


def visit_context(member, patient, visits, *, query) -> dict:
    destinations = _destinations(member)
    return {visit.pk: {"destinations": destinations} for visit in visits}


def register_sections() -> None:
    register(
        TimelineSection(
            name="interop",
            place="end",
            template="interop/_timeline.html",
            context=patient_context,
            order=920,
        )
    )
    register(
        TimelineSection(
            name="interop-visit",
            place="visit",
            template="interop/_visit.html",
            context=visit_context,
            order=90,
        )
    )
