"""Changes to consent: templates, signing, withdrawal, emergency overrides (S30).

Each service is atomic, keyword-only, takes the acting Member and records its
audit event inside its transaction. Nothing here names imaging or sharing: they
ask `consent.checks` and register `consent.hooks`.
"""

import hashlib
import logging
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from audit.actions import Action
from audit.services import record_event
from consent.defaults import DEFAULT_TEMPLATES
from consent.exceptions import ConsentError
from consent.hooks import run_withdrawal_hooks, withdrawal_actor
from consent.models import (
    PURPOSE_CODES,
    Consent,
    ConsentAnswer,
    ConsentDocument,
    ConsentOverride,
    ConsentSettings,
    ConsentTemplate,
    Purpose,
    TemplateText,
    Withdrawal,
    purpose_phrase,
)
from consent.signature import check_signature
from pixiodoc import blobs, jobs
from pixiodoc.accounts.models import Member, Practice

logger = logging.getLogger(__name__)

# How long an emergency override lets capture go ahead before consent is recorded.
OVERRIDE_HOURS = 24
OVERRIDE_ROLES = ("owner", "clinician")
SIGNATURE_LABEL = "consent-signature"


def _same_practice(actor: Member, patient) -> None:
    if patient.practice_id != actor.practice_id:
        raise ConsentError(_("This patient belongs to another practice."))
    if patient.blocked_at is not None:
        raise ConsentError(_blocked_message())


def _blocked_message() -> str:
    return _("This patient's record is blocked while an erasure is under way.")


# --- templates ---------------------------------------------------------------------


@transaction.atomic
def ensure_default_templates(*, practice: Practice) -> list[ConsentTemplate]:
    """Seed the four default forms, in every language, for a practice that has none
    (idempotent)."""
    if ConsentTemplate.objects.filter(practice=practice).exists():
        return []
    made = []
    for spec in DEFAULT_TEMPLATES:
        template = ConsentTemplate(practice=practice, purposes=spec["purposes"])
        template.full_clean()
        template.save()
        for language, (title, body) in spec["texts"].items():
            _write_text(template, language=language, title=title, body=body)
        made.append(template)
    return made


def _write_text(
    template: ConsentTemplate, *, language: str, title: str, body: str, actor=None
) -> TemplateText:
    text = TemplateText(
        template=template,
        language=language,
        title=title,
        body=body,
        created_by=actor,
    )
    text.full_clean()
    text.save()
    return text


@transaction.atomic
def create_template(
    *, actor: Member, language: str, title: str, body: str, purposes: list[str]
) -> ConsentTemplate:
    """A new form, version 1, worded in one language (more can be added)."""
    template = ConsentTemplate(
        practice=actor.practice,
        purposes=_ordered(purposes),
        created_by=actor,
    )
    template.full_clean()
    template.save()
    _write_text(template, language=language, title=title, body=body, actor=actor)
    record_event(
        action=Action.ADMIN_CHANGE,
        actor=actor,
        target=template,
        details={
            "change": "consent_template_created",
            "version": 1,
            "language": language,
        },
    )
    return template


def _lock_current(*, actor: Member, template: ConsentTemplate) -> ConsentTemplate:
    """The version being changed, locked; refused unless it is still the current one."""
    if template.practice_id != actor.practice_id:
        raise ConsentError(_("This form belongs to another practice."))
    current = (
        ConsentTemplate.objects.select_for_update()
        .filter(family=template.family, is_current=True)
        .first()
    )
    if current is None or current.pk != template.pk:
        raise ConsentError(
            _(
                "Someone saved a newer version of this form. Open it again and "
                "make your change there."
            )
        )
    return current


@transaction.atomic
def revise_template(
    *,
    actor: Member,
    template: ConsentTemplate,
    language: str,
    title: str,
    body: str,
    purposes,
) -> ConsentTemplate:
    """Editing the wording in one language makes a new version holding every language
    of the old one (the others unchanged); signed consents keep pointing at theirs."""
    current = _lock_current(actor=actor, template=template)
    ConsentTemplate.objects.filter(pk=current.pk).update(is_current=False)
    revised = ConsentTemplate(
        practice=current.practice,
        family=current.family,
        version=current.version + 1,
        purposes=_ordered(purposes),
        created_by=actor,
    )
    revised.full_clean()
    revised.save()
    for text in current.texts.exclude(language=language):
        _write_text(
            revised,
            language=text.language,
            title=text.title,
            body=text.body,
            actor=text.created_by,
        )
    _write_text(revised, language=language, title=title, body=body, actor=actor)
    record_event(
        action=Action.ADMIN_CHANGE,
        actor=actor,
        target=revised,
        details={
            "change": "consent_template_revised",
            "version": revised.version,
            "language": language,
        },
    )
    return revised


@transaction.atomic
def add_template_language(
    *, actor: Member, template: ConsentTemplate, language: str, title: str, body: str
) -> TemplateText:
    """Word the current version in one more language. Its other texts, and every
    consent signed on it, are untouched: a text once written is never changed."""
    current = _lock_current(actor=actor, template=template)
    if current.texts.filter(language=language).exists():
        raise ConsentError(
            _(
                "This version is already worded in that language. To change that "
                "wording, edit the form: saving makes a new version."
            )
        )
    text = _write_text(current, language=language, title=title, body=body, actor=actor)
    record_event(
        action=Action.ADMIN_CHANGE,
        actor=actor,
        target=current,
        details={
            "change": "consent_template_language_added",
            "version": current.version,
            "language": language,
        },
    )
    return text


def _ordered(purposes) -> list[str]:
    chosen = set(purposes)
    return [p for p in PURPOSE_CODES if p in chosen] or list(purposes)


# --- signing -----------------------------------------------------------------------


@transaction.atomic
def record_consent(
    *,
    actor: Member,
    patient,
    template: ConsentTemplate | None,
    answers: dict[str, bool | None],
    signature_png: bytes,
    signer_name: str = "",
    signer_relation: str = "",
    by_representative: bool = False,
    language: str | None = None,
    request=None,
) -> Consent:
    """Store a signed consent: answers purpose by purpose, the language of the
    wording read, the encrypted signature, the witness (`actor`), and queue its PDF
    copy. Nothing is assumed (S30). `language` defaults to the wording shown to a
    reader of the active language."""
    _same_practice(actor, patient)
    if template is None:
        raise ConsentError(_("Choose the consent form to sign."))
    if template.practice_id != actor.practice_id:
        raise ConsentError(_("This consent form belongs to another practice."))
    if not template.is_current:
        raise ConsentError(
            _(
                "This form has been revised since it was opened. Start again with "
                "the current version."
            )
        )
    text = template.text_in(language) if language else template.text_for()
    if text is None:
        raise ConsentError(
            _("This form has no wording in that language. Choose another language.")
        )
    asked = list(template.purposes)
    given = {p: v for p, v in answers.items() if v is not None}
    if set(given) - set(asked):
        raise ConsentError(_("Answer only the questions on this form."))
    if not given:
        raise ConsentError(_("Answer yes or no for every question on the form."))
    missing = [p for p in asked if p not in given]
    if missing:
        labels = dict(Purpose.choices)
        raise ConsentError(
            _("Answer yes or no for every question; still open: %(purposes)s.")
            % {"purposes": ", ".join(str(labels[p]) for p in missing)}
        )
    if by_representative:
        if not signer_name.strip() or not signer_relation.strip():
            raise ConsentError(
                _(
                    "A representative signing for the patient must give their name "
                    "and their relation to the patient."
                )
            )
    else:
        signer_name, signer_relation = patient.full_name, ""
    check_signature(signature_png)

    consent = Consent(
        patient=patient,
        template=template,
        language=text.language,
        signed_at=timezone.now(),
        signed_by_representative=by_representative,
        signer_name=signer_name.strip(),
        signer_relation=signer_relation.strip(),
        witness=actor,
        signature_sha256=hashlib.sha256(signature_png).hexdigest(),
    )
    consent.signature_blob = blobs.save_blob(
        patient, obj=consent.uuid, label=SIGNATURE_LABEL, plaintext=signature_png
    )
    # The blob is written before the row; if saving fails, remove it again.
    try:
        consent.full_clean()
        consent.save()
        # One by one (at most four): bulk_create would bypass the change log (S29).
        for purpose in asked:
            ConsentAnswer.objects.create(
                consent=consent, purpose=purpose, granted=bool(given[purpose])
            )
        ConsentDocument.objects.create(consent=consent)
        record_event(
            action=Action.CONSENT_RECORDED,
            actor=actor,
            request=request,
            target=consent,
            patient=patient,
            details={
                "template": str(template.uuid),
                "version": template.version,
                "language": text.language,
                "granted": [p for p in asked if given[p]],
                "refused": [p for p in asked if not given[p]],
                "representative": by_representative,
            },
        )
    except Exception:
        blobs.delete_blob(consent.signature_blob)
        raise
    _enqueue_pdf(consent)
    return consent


def _enqueue_pdf(consent: Consent) -> None:
    uuid = str(consent.uuid)
    transaction.on_commit(lambda: queue_pdf(uuid))


def queue_pdf(consent_uuid: str) -> None:
    """Send the PDF task; with the broker down the document stays pending and the
    beat job `requeue_consent_pdfs` sends it again later (nothing is lost)."""
    from consent import tasks  # services import tasks: no cycle

    jobs.send(tasks.render_consent_pdf, consent_uuid)


def signature_png(consent: Consent) -> bytes:
    return blobs.read_blob(
        consent.patient,
        obj=consent.uuid,
        label=SIGNATURE_LABEL,
        name=consent.signature_blob,
    )


# --- withdrawal --------------------------------------------------------------------


@transaction.atomic
def withdraw_consent(
    *,
    actor: Member | None,
    patient,
    purpose: str,
    withdrawn_on: date | None = None,
    reason: str = "",
    by_patient_link=None,
    request=None,
) -> Withdrawal:
    """Withdraw a granted purpose, effective at once; runs the withdrawal hooks.

    `actor` is the member who records it; or None with `by_patient_link`, the
    patient's verified link (sharing.PatientLink) when the patient withdrew
    themselves: recorded as "withdrawn by the patient through a verified link"
    and audited with the link as actor (issue 15, GDPR Art. 7(3)).
    """
    from consent.checks import has_consent

    if actor is not None:
        _same_practice(actor, patient)
    elif by_patient_link is None or by_patient_link.patient_id != patient.pk:
        raise ConsentError(_("Only the patient's own verified link may withdraw."))
    elif patient.blocked_at is not None:
        raise ConsentError(_blocked_message())
    if purpose not in PURPOSE_CODES:
        raise ConsentError(_("Choose what the patient withdraws consent to."))
    # Serialise withdrawals of one patient so two clicks make one withdrawal.
    type(patient).objects.select_for_update().filter(pk=patient.pk).first()
    now = timezone.now()
    today = timezone.localdate(now)
    withdrawn_on = withdrawn_on or today
    if withdrawn_on > today:
        raise ConsentError(_("The withdrawal date cannot be in the future."))
    if not has_consent(patient, purpose, now):
        raise ConsentError(
            _("There is no consent to %(purpose)s to withdraw.")
            % {"purpose": purpose_phrase(purpose)}
        )
    answer = (
        ConsentAnswer.objects.filter(
            consent__patient=patient, purpose=purpose, consent__signed_at__lte=now
        )
        .select_related("consent")
        .order_by("-consent__signed_at", "-consent_id")
        .first()
    )
    consent = answer.consent
    if withdrawn_on < timezone.localdate(consent.signed_at):
        raise ConsentError(
            _("The withdrawal date cannot be before the consent was signed (%(date)s).")
            % {"date": formats.date_format(timezone.localdate(consent.signed_at))}
        )
    # A date in the past counts from the start of that day (never before signing).
    effective_at = now
    if withdrawn_on < today:
        start = timezone.make_aware(datetime.combine(withdrawn_on, time.min))
        effective_at = max(start, consent.signed_at)
    withdrawal = Withdrawal.objects.create(
        patient=patient,
        purpose=purpose,
        consent=consent,
        withdrawn_on=withdrawn_on,
        effective_at=effective_at,
        reason=reason.strip(),
        recorded_by=actor,
        patient_link_uuid=by_patient_link.uuid if actor is None else None,
    )
    effects = run_withdrawal_hooks(withdrawal=withdrawal, actor=actor)
    if effects:
        withdrawal.effects = effects
        withdrawal.save(update_fields=["effects"])
    record_event(
        **withdrawal_actor(withdrawal=withdrawal, actor=actor),
        action=Action.CONSENT_WITHDRAWN,
        request=request,
        target=withdrawal,
        patient=patient,
        details={
            "purpose": purpose,
            "consent": str(consent.uuid),
            "effects": len(effects),
        },
    )
    return withdrawal


# --- emergency override ------------------------------------------------------------


def override_enabled(practice: Practice) -> bool:
    return ConsentSettings.objects.filter(
        practice=practice, emergency_override_enabled=True
    ).exists()


@transaction.atomic
def set_override_enabled(
    *, actor: Member, enabled: bool, request=None
) -> ConsentSettings:
    if not actor.may("manage_practice"):
        raise ConsentError(
            _("Only an owner can change the emergency override setting.")
        )
    settings_row, _created = ConsentSettings.objects.select_for_update().get_or_create(
        practice=actor.practice
    )
    settings_row.emergency_override_enabled = enabled
    settings_row.save()
    record_event(
        action=Action.ADMIN_CHANGE,
        actor=actor,
        request=request,
        target=None,
        details={"change": "consent_override_enabled", "enabled": enabled},
    )
    return settings_row


@transaction.atomic
def start_override(
    *, actor: Member, patient, reason: str, request=None
) -> ConsentOverride:
    """A clinician captures before consent, with a stated reason (audited, flagged)."""
    _same_practice(actor, patient)
    if actor.role not in OVERRIDE_ROLES:
        raise ConsentError(
            _("Only a clinician can start an emergency override. Ask a clinician.")
        )
    if not override_enabled(actor.practice):
        raise ConsentError(
            _(
                "Emergency override is turned off for this practice. Record "
                "consent first, or ask an owner to allow overrides in the consent "
                "settings."
            )
        )
    if len(reason.strip()) < 10:
        raise ConsentError(
            _(
                "State why photos must be taken before consent can be recorded "
                "(at least a short sentence)."
            )
        )
    now = timezone.now()
    override = ConsentOverride.objects.create(
        patient=patient,
        member=actor,
        reason=reason.strip(),
        created_at=now,
        expires_at=now + timedelta(hours=OVERRIDE_HOURS),
    )
    # The reason is free text (may hold PHI): it stays encrypted on the row (S27).
    record_event(
        action=Action.CONSENT_OVERRIDE,
        actor=actor,
        request=request,
        target=override,
        patient=patient,
        details={"expires_at": override.expires_at.isoformat()},
    )
    return override
