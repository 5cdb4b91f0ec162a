"""The consent section of a patient's timeline (registered in ConsentConfig.ready)."""

from django.utils import timezone

from consent.checks import open_override, purpose_states
from consent.forms import OverrideForm
from consent.models import Purpose
from consent.selectors import consent_history
from consent.services import override_enabled


def timeline_context(member, patient, visits, *, query) -> dict:
    """The "patient" section of the timeline: state at a glance, history, actions."""
    history = consent_history(patient=patient)
    override = open_override(patient)
    labels = dict(Purpose.choices)
    return {
        "states": purpose_states(patient),
        "history": [
            {
                "consent": c,
                # The title in the language signed: the form the patient read.
                "title": c.text.title,
                "granted": [labels[a.purpose] for a in c.answers.all() if a.granted],
                "refused": [
                    labels[a.purpose] for a in c.answers.all() if not a.granted
                ],
                "withdrawn": [labels[w.purpose] for w in c.withdrawals.all()],
            }
            for c in history
        ],
        "override": override,
        "override_active": override is not None
        and override.expires_at > timezone.now()
        and not patient.is_blocked,
        "override_allowed": member.role in ("owner", "clinician")
        and override_enabled(member.practice),
        "override_form": OverrideForm(),
        "patient": patient,
    }
