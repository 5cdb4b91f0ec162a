"""Consent pages: record on a tablet, view, download, print, e-mail, withdraw, override.

There is deliberately no edit view for a signed consent (S30).
"""

import base64
from contextlib import nullcontext

from django.contrib import messages
from django.core.mail import EmailMessage
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.actions import Action
from audit.services import record_event, record_view
from consent import documents, kiosk, markup
from consent.checks import purpose_states
from consent.exceptions import ConsentError
from consent.forms import (
    ConsentForm,
    OverrideForm,
    OverrideSettingForm,
    StartForm,
    TemplateForm,
    TemplateLanguageForm,
    UnlockForm,
    WithdrawForm,
)
from consent.models import (
    LANGUAGE_CODES,
    ConsentSettings,
    Purpose,
    closest_language,
    purpose_phrase,
)
from consent.selectors import consents_for, current_templates, templates_for
from consent.services import (
    add_template_language,
    create_template,
    ensure_default_templates,
    record_consent,
    revise_template,
    set_override_enabled,
    signature_png,
    start_override,
    withdraw_consent,
)
from consent.signature import decode_data_url
from patients.selectors import patients_for
from pixiodoc.accounts.decorators import member_may


def _posted(request):
    """The POST data on a POST (even an empty one: errors must show), else None."""
    return request.POST if request.method == "POST" else None


def _patient(request, uuid):
    return get_object_or_404(patients_for(member=request.member), uuid=uuid)


def _consent(request, uuid):
    return get_object_or_404(
        consents_for(member=request.member).select_related(
            "patient", "template", "witness__user"
        ),
        uuid=uuid,
    )


def _back_to(patient):
    return redirect(
        reverse("patients:timeline", kwargs={"uuid": patient.uuid}) + "#consent"
    )


# --- recording on a tablet ---------------------------------------------------------


@member_may("edit_patients")
def start(request, uuid):
    """Staff choose the form; starting locks this session to the kiosk page."""
    patient = _patient(request, uuid)
    form = StartForm(_posted(request), practice=request.member.practice)
    if request.method == "POST" and form.is_valid():
        kiosk.lock(request, patient=patient, template=form.cleaned_data["template"])
        return redirect("consent:kiosk")
    record_view(
        action=Action.PATIENT_VIEWED,
        actor=request.member,
        request=request,
        page="consent_start",
        shown=("name", "record_number"),
        target=patient,
        patient=patient,
    )
    return render(
        request,
        "consent/start.html",
        {
            "patient": patient,
            "form": form,
            "has_templates": form.fields["template"].queryset.exists(),
        },
    )


@require_POST
@member_may("edit_patients")
def add_default_templates(request, uuid):
    patient = _patient(request, uuid)
    if ensure_default_templates(practice=request.member.practice):
        messages.success(request, _("The four default consent forms were added."))
    return redirect("consent:start", uuid=patient.uuid)


def _kiosk_objects(request):
    """The patient and template of this session's kiosk, or None when none is open."""
    state = kiosk.state(request)
    if not state or state.get("member") != str(request.member.uuid):
        return None, None
    patient = patients_for(member=request.member).filter(uuid=state["patient"]).first()
    template = (
        templates_for(member=request.member).filter(uuid=state["template"]).first()
    )
    return patient, template


def _in_kiosk_language(request):
    """Speak the patient's chosen language on a kiosk page (else the staff's)."""
    language = kiosk.chosen_language(request)
    return translation.override(language) if language else nullcontext()


@member_may("edit_patients")
def kiosk_form(request):
    """The patient-facing form: the language, the wording, one yes/no per purpose,
    the signature pad. Everything on it is in the language the patient chose."""
    patient, template = _kiosk_objects(request)
    if patient is None:
        kiosk.unlock(request)
        messages.error(request, _("Start recording consent from the patient's page."))
        return redirect("patients:list")
    if template is None or not template.is_current or not template.languages:
        # The form was removed or revised meanwhile: staff choose again.
        with _in_kiosk_language(request):
            error = _(
                "This consent form is no longer available. Ask a member of staff "
                "to choose the form again."
            )
            return render(
                request,
                "consent/kiosk.html",
                {"patient": patient, "template": None, "error": error},
            )
    languages = template.languages
    if "language" in request.GET:
        if request.GET["language"] in languages:
            kiosk.choose_language(request, request.GET["language"])
        return redirect("consent:kiosk")
    language = kiosk.chosen_language(request)
    if language not in languages:
        if len(languages) > 1:
            return _ask_language(request, languages)
        language = languages[0]
        kiosk.choose_language(request, language)
    with translation.override(language):
        response, consent = _kiosk_sign(request, patient, template, language)
    if consent is None:
        return response
    kiosk.unlock(request)
    messages.success(request, _("Consent recorded. Thank you."))
    return redirect("consent:detail", uuid=consent.uuid)


def _ask_language(request, languages):
    """The first kiosk screen when the form is worded in several languages."""
    default = kiosk.default_language(request, languages)
    ordered = [default, *(code for code in languages if code != default)]
    with translation.override(default):
        return render(
            request,
            "consent/kiosk_language.html",
            {"languages": kiosk.native_names(ordered), "default": default},
        )


def _kiosk_sign(request, patient, template, language):
    """The form in `language` (active); (page, None) until it is signed, then
    (None, the consent)."""
    form = ConsentForm(_posted(request), template=template, language=language)
    if request.method == "POST" and form.is_valid():
        if not kiosk.staff_confirms(request, form.cleaned_data["witness_secret"]):
            if not request.user.is_authenticated:
                return redirect("accounts:login"), None
            form.add_error(
                "witness_secret",
                _("That password or code is not right. Staff: try again."),
            )
        else:
            data = form.cleaned_data
            try:
                consent = record_consent(
                    actor=request.member,
                    patient=patient,
                    template=template,
                    answers=data["answers"],
                    signature_png=decode_data_url(data["signature"]),
                    signer_name=data["signer_name"],
                    signer_relation=data["signer_relation"],
                    by_representative=data["signer"] == "representative",
                    language=language,
                    request=request,
                )
            except ConsentError as exc:
                form.add_error(None, str(exc))
            else:
                return None, consent
    text = template.text_in(language)
    page = render(
        request,
        "consent/kiosk.html",
        {
            "patient": patient,
            "template": template,
            "text": text,
            "body": markup.render(text.body),
            "form": form,
            "language": language,
            "languages": kiosk.native_names(template.languages),
        },
    )
    return page, None


@member_may("edit_patients")
def kiosk_leave(request):
    """Leave the kiosk without recording: staff re-enter their password or code."""
    if not kiosk.state(request):
        return redirect("patients:list")
    with _in_kiosk_language(request):
        form = UnlockForm(_posted(request))
        submitted = request.method == "POST" and form.is_valid()
        secret = form.cleaned_data.get("witness_secret") if submitted else None
        if not (submitted and kiosk.staff_confirms(request, secret)):
            if submitted:
                if not request.user.is_authenticated:
                    return redirect("accounts:login")
                form.add_error(
                    "witness_secret", _("That password or code is not right.")
                )
            return render(request, "consent/kiosk_leave.html", {"form": form})
    patient, _template = _kiosk_objects(request)
    kiosk.unlock(request)
    # Said in the staff's own language: the kiosk is over.
    messages.info(request, _("Consent was not recorded."))
    return _back_to(patient) if patient else redirect("patients:list")


# --- one consent ---------------------------------------------------------------------


@require_GET
@member_may("view_patients")
def detail(request, uuid):
    consent = _consent(request, uuid)
    _record_reading(request, consent, Action.CONSENT_VIEWED)
    return render(request, "consent/detail.html", _consent_context(consent))


def _record_reading(request, consent, action, via: str = "") -> None:
    """Audit a view, print, download or e-mailed copy of one consent."""
    record_event(
        action=action,
        actor=request.member,
        request=request,
        target=consent,
        patient=consent.patient,
        details={"via": via} if via else None,
    )


def _consent_context(consent) -> dict:
    labels = dict(Purpose.choices)
    document = documents.ConsentDocument.objects.filter(consent=consent).first()
    return {
        "consent": consent,
        "patient": consent.patient,
        "template": consent.template,
        # The wording exactly as signed, in the language it was signed in.
        "text": consent.text,
        "body": markup.render(consent.text.body),
        "answers": [(labels[a.purpose], a.granted) for a in consent.answers.all()],
        "withdrawals": list(consent.withdrawals.all()),
        "signature_url": "data:image/png;base64,"
        + base64.b64encode(signature_png(consent)).decode(),
        "document": document,
    }


@require_GET
@member_may("view_patients")
def print_view(request, uuid):
    """The paper copy for the patient: entirely in the language they signed in."""
    consent = _consent(request, uuid)
    _record_reading(request, consent, Action.CONSENT_VIEWED, via="print")
    with translation.override(consent.language):
        return render(request, "consent/print.html", _consent_context(consent))


@require_GET
@member_may("view_patients")
def pdf(request, uuid):
    consent = _consent(request, uuid)
    try:
        data = documents.pdf_bytes(consent)
    except ConsentError as exc:
        messages.error(request, str(exc))
        return redirect("consent:detail", uuid=consent.uuid)
    _record_reading(request, consent, Action.CONSENT_DOWNLOADED, via="download")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="consent-{consent.uuid}.pdf"'
    )
    return response


@require_POST
@member_may("edit_patients")
def email(request, uuid):
    """E-mail the PDF copy to the patient's own address (console back-end by default)."""
    consent = _consent(request, uuid)
    address = consent.patient.email
    if not address:
        messages.error(
            request,
            _(
                "This patient has no e-mail address. Add one under Edit details, "
                "or print the copy instead."
            ),
        )
        return redirect("consent:detail", uuid=consent.uuid)
    try:
        data = documents.pdf_bytes(consent)
    except ConsentError as exc:
        messages.error(request, str(exc))
        return redirect("consent:detail", uuid=consent.uuid)
    # Written to the patient in the language they signed in.
    with translation.override(consent.language):
        message = EmailMessage(
            subject=_("Your copy of your consent form"),
            body=_(
                "Attached is a copy of the consent form you signed at "
                "%(practice)s.\n\nYou can withdraw any consent at any time by "
                "telling a member of staff.\n"
            )
            % {"practice": request.member.practice.name},
            to=[address],
        )
    message.attach(f"consent-{consent.uuid}.pdf", data, "application/pdf")
    message.send()
    _record_reading(request, consent, Action.CONSENT_DOWNLOADED, via="email")
    messages.success(request, _("The copy was e-mailed to the patient."))
    return redirect("consent:detail", uuid=consent.uuid)


# --- withdrawal and override ---------------------------------------------------------


def _withdraw_confirmation(request, patient):
    """The confirm step: the patient by name, record number and date of birth, and
    what withdrawing this purpose stops. Only a purpose now given can be withdrawn."""
    purpose = request.GET.get("purpose", "")
    granted = {s.purpose for s in purpose_states(patient) if s.granted}
    if purpose not in granted:
        messages.error(
            request, _("That consent is not given now: nothing to withdraw.")
        )
        return _back_to(patient)
    # The page names the patient: a read of PHI (S26, S40).
    record_view(
        action=Action.PATIENT_VIEWED,
        actor=request.member,
        request=request,
        page="withdraw_consent",
        shown=["name", "record_number", "date_of_birth", "consents"],
        target=patient,
        patient=patient,
    )
    return render(
        request,
        "consent/withdraw_confirm.html",
        {
            "patient": patient,
            "purpose": purpose,
            "phrase": purpose_phrase(purpose),
            "form": WithdrawForm(initial={"purpose": purpose}),
            "action_url": request.path,
            "cancel_url": reverse("patients:timeline", kwargs={"uuid": patient.uuid})
            + "#consent",
        },
    )


@require_http_methods(["GET", "POST"])
@member_may("edit_patients")
def withdraw(request, uuid):
    """GET asks for confirmation; POST withdraws the purpose."""
    patient = _patient(request, uuid)
    if request.method == "GET":
        return _withdraw_confirmation(request, patient)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back_to(patient)
    try:
        withdrawal = withdraw_consent(
            actor=request.member,
            patient=patient,
            purpose=form.cleaned_data["purpose"],
            withdrawn_on=form.cleaned_data["withdrawn_on"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except ConsentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Consent to %(purpose)s withdrawn.")
            % {"purpose": purpose_phrase(withdrawal.purpose)},
        )
        for effect in withdrawal.effects:
            messages.info(request, effect)
    return _back_to(patient)


@require_POST
@member_may("edit_patients")
def override(request, uuid):
    patient = _patient(request, uuid)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["reason"][0])
        return _back_to(patient)
    try:
        start_override(
            actor=request.member,
            patient=patient,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except ConsentError as exc:
        messages.error(request, str(exc))
    else:
        messages.warning(
            request,
            _(
                "Emergency override started: photos may be taken now. Record the "
                "patient's consent as soon as possible."
            ),
        )
    return _back_to(patient)


# --- the practice's forms (owners) ---------------------------------------------------


@member_may("manage_practice")
def template_list(request):
    settings_row = ConsentSettings.objects.filter(
        practice=request.member.practice
    ).first()
    setting_form = OverrideSettingForm(
        initial={
            "emergency_override_enabled": bool(
                settings_row and settings_row.emergency_override_enabled
            )
        }
    )
    return render(
        request,
        "consent/templates.html",
        {
            "templates": current_templates(member=request.member),
            "language_count": len(LANGUAGE_CODES),
            "setting_form": setting_form,
        },
    )


@require_POST
@member_may("manage_practice")
def template_defaults(request):
    if ensure_default_templates(practice=request.member.practice):
        messages.success(request, _("The four default consent forms were added."))
    else:
        messages.info(request, _("The practice already has consent forms."))
    return redirect("consent:templates")


@require_POST
@member_may("manage_practice")
def override_setting(request):
    form = OverrideSettingForm(request.POST)
    form.is_valid()
    enabled = form.cleaned_data.get("emergency_override_enabled", False)
    set_override_enabled(actor=request.member, enabled=enabled, request=request)
    messages.success(
        request,
        _("Emergency override is now allowed.")
        if enabled
        else _("Emergency override is now turned off."),
    )
    return redirect("consent:templates")


@member_may("manage_practice")
def template_new(request):
    form = TemplateForm(
        _posted(request), initial={"language": _staff_language(request)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            create_template(actor=request.member, **form.cleaned_data)
        except ConsentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Consent form added."))
            return redirect("consent:templates")
    return render(request, "consent/template_form.html", {"form": form})


def _staff_language(request) -> str:
    """The product language closest to the one this member works in."""
    return (
        closest_language(translation.get_language(), LANGUAGE_CODES)
        or (LANGUAGE_CODES[0])
    )


def _current_template(request, uuid):
    return get_object_or_404(
        templates_for(member=request.member), uuid=uuid, is_current=True
    )


@member_may("manage_practice")
def template_edit(request, uuid):
    """Editing the wording in one language (`?language=`) saves a new version holding
    all the languages; signed consents keep the version they signed."""
    template = _current_template(request, uuid)
    text = template.text_in(request.GET.get("language", "")) or template.text_for()
    form = TemplateForm(
        _posted(request),
        initial={
            "language": text.language,
            "title": text.title,
            "body": text.body,
            "purposes": template.purposes,
        },
        fixed_language=text.language,
    )
    if request.method == "POST" and form.is_valid():
        try:
            revised = revise_template(
                actor=request.member, template=template, **form.cleaned_data
            )
        except ConsentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Saved as version %(version)s.") % {"version": revised.version},
            )
            return redirect("consent:templates")
    return render(
        request,
        "consent/template_form.html",
        {
            "form": form,
            "template": template,
            "text": text,
            "preview": markup.render(text.body),
        },
    )


@member_may("manage_practice")
def template_language(request, uuid):
    """Word the current version in one more language; nothing signed changes."""
    template = _current_template(request, uuid)
    form = TemplateLanguageForm(_posted(request), template=template)
    if not form.fields["language"].choices:
        messages.info(request, _("This form is already worded in every language."))
        return redirect("consent:templates")
    if request.method == "POST" and form.is_valid():
        try:
            add_template_language(
                actor=request.member, template=template, **form.cleaned_data
            )
        except ConsentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Language added to this version."))
            return redirect("consent:templates")
    text = template.text_for()
    return render(
        request,
        "consent/template_language.html",
        {
            "form": form,
            "template": template,
            "text": text,
            "preview": markup.render(text.body),
        },
    )
