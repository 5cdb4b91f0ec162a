"""The consent check: the one function every other app asks (S30, DESIGN.md §1).

`has_consent(patient, purpose, at=None)` is the enforcement point. Imaging asks
`capture_allowed` (treatment consent, or an active emergency override) before it
stores a photo, and `has_consent(patient, "teaching"|"publication")` before it
marks one; sharing asks `has_consent(patient, "second_opinion")` when a link is
created and at every open. Nothing is cached: a withdrawal counts at once.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent.exceptions import ConsentRequired
from consent.models import (
    PURPOSE_CODES,
    ConsentAnswer,
    ConsentOverride,
    Purpose,
    Withdrawal,
    purpose_phrase,
)

TREATMENT, SECOND_OPINION, TEACHING, PUBLICATION = PURPOSE_CODES

# What the person refused sees: why, and how to fix it.
FIX = {
    Purpose.TREATMENT: _(
        "This patient has not given consent to treatment photographs, so no photo "
        "can be added. Record consent from the patient's page (Record consent); "
        "in an emergency a clinician may start an override there if the practice "
        "allows it."
    ),
    Purpose.SECOND_OPINION: _(
        "This patient has not given consent to second-opinion sharing, so photos "
        "cannot be shared. Record a consent that grants it from the patient's page "
        "(Record consent)."
    ),
    Purpose.TEACHING: _(
        "This patient has not given consent to teaching use, so photos cannot be "
        "marked for teaching. Record a consent that grants it from the patient's "
        "page (Record consent)."
    ),
    Purpose.PUBLICATION: _(
        "This patient has not given consent to publication, so photos cannot be "
        "marked for publication. Record a consent that grants it from the "
        "patient's page (Record consent)."
    ),
}


def _check_purpose(purpose: str) -> str:
    if purpose not in PURPOSE_CODES:
        raise ValueError(f"unknown consent purpose {purpose!r}")
    return str(purpose)


def _blocked(patient, at: datetime) -> bool:
    return patient.blocked_at is not None and patient.blocked_at <= at


def has_consent(patient, purpose: str, at: datetime | None = None) -> bool:
    """True when the patient's latest answer for `purpose` signed by `at` (default:
    now) is yes and has not been withdrawn by then. Two queries, no cache.

    A patient blocked for erasure has no consent from the moment of blocking.
    """
    purpose = _check_purpose(purpose)
    at = at or timezone.now()
    if _blocked(patient, at):
        return False
    answer = (
        ConsentAnswer.objects.filter(
            consent__patient=patient, purpose=purpose, consent__signed_at__lte=at
        )
        .order_by("-consent__signed_at", "-consent_id")
        .values("granted", "consent_id")
        .first()
    )
    if answer is None or not answer["granted"]:
        return False
    return not Withdrawal.objects.filter(
        consent_id=answer["consent_id"], purpose=purpose, effective_at__lte=at
    ).exists()


def require_consent(patient, purpose: str, at: datetime | None = None) -> None:
    """Raise ConsentRequired (message: how to fix it) unless has_consent."""
    if not has_consent(patient, purpose, at):
        raise ConsentRequired(str(FIX[_check_purpose(purpose)]), purpose=purpose)


def open_override(patient) -> ConsentOverride | None:
    """The newest override not yet followed by a consent answering `treatment`.

    It is flagged on the timeline until consent is recorded, even once expired.
    """
    override = (
        ConsentOverride.objects.filter(patient=patient)
        .select_related("member__user")
        .first()
    )
    if override is None:
        return None
    answered_since = ConsentAnswer.objects.filter(
        consent__patient=patient,
        purpose=TREATMENT,
        consent__signed_at__gte=override.created_at,
    ).exists()
    return None if answered_since else override


def active_override(patient, at: datetime | None = None) -> ConsentOverride | None:
    """The open override that still lets capture go ahead (not expired), or None."""
    at = at or timezone.now()
    if _blocked(patient, at):
        return None
    override = open_override(patient)
    if override is None or not (override.created_at <= at < override.expires_at):
        return None
    return override


def capture_allowed(patient, at: datetime | None = None) -> bool:
    """Photos may be captured or uploaded: treatment consent, or an active override."""
    return (
        has_consent(patient, TREATMENT, at) or active_override(patient, at) is not None
    )


def require_capture_allowed(patient, at: datetime | None = None) -> None:
    """Raise ConsentRequired (purpose "treatment", message says how to fix) unless
    capture_allowed."""
    if not capture_allowed(patient, at):
        raise ConsentRequired(str(FIX[Purpose.TREATMENT]), purpose=TREATMENT)


@dataclass(frozen=True)
class PurposeState:
    purpose: str
    label: str
    granted: bool
    # "granted", "refused", "withdrawn" or "not asked"
    state: str
    consent_id: int | None = None
    withdrawal: Withdrawal | None = None

    @property
    def phrase(self) -> str:
        """The purpose inside a sentence ("consent to teaching")."""
        return purpose_phrase(self.purpose)


def purpose_states(patient, at: datetime | None = None) -> list[PurposeState]:
    """The state of every purpose at a glance, in two queries (timeline, patient page)."""
    at = at or timezone.now()
    latest: dict[str, dict] = {}
    for answer in (
        ConsentAnswer.objects.filter(
            consent__patient=patient, consent__signed_at__lte=at
        )
        .order_by("-consent__signed_at", "-consent_id")
        .values("purpose", "granted", "consent_id")
    ):
        latest.setdefault(answer["purpose"], answer)
    withdrawals = {
        (w.consent_id, w.purpose): w
        for w in Withdrawal.objects.filter(patient=patient, effective_at__lte=at)
    }
    blocked = _blocked(patient, at)
    states = []
    for code, label in Purpose.choices:
        answer = latest.get(code)
        if answer is None:
            states.append(PurposeState(code, label, False, "not asked"))
            continue
        withdrawal = withdrawals.get((answer["consent_id"], code))
        if withdrawal is not None:
            state = "withdrawn"
        else:
            state = "granted" if answer["granted"] else "refused"
        states.append(
            PurposeState(
                code,
                label,
                state == "granted" and not blocked,
                state,
                answer["consent_id"],
                withdrawal,
            )
        )
    return states
