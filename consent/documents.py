"""The PDF copy of a signed consent: rendered after signing, encrypted, retried on failure."""

import base64
import hashlib
import logging
import zoneinfo

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from consent import markup
from consent.exceptions import ConsentError
from consent.models import Consent, ConsentDocument, Purpose
from pixiodoc import blobs
from pixiodoc.db import retry_transient

logger = logging.getLogger(__name__)

PDF_LABEL = "consent-pdf"


class PdfRenderError(Exception):
    """The PDF could not be made this time; the task retries it."""


def page_counter() -> str:
    """The CSS `content` of the footer, "Page 2 of 3" in the active language."""
    words = _("Page %(page)s of %(pages)s").replace("\\", "").replace('"', "")
    css = words % {"page": '" counter(page) "', "pages": '" counter(pages) "'}
    return mark_safe(f'"{css}"')  # noqa: S308 - our catalogue's words, quotes removed


def pdf_context(consent: Consent, signature: bytes) -> dict:
    labels = dict(Purpose.choices)
    answers = list(consent.answers.all())
    return {
        "consent": consent,
        "patient": consent.patient,
        "template": consent.template,
        "text": consent.text,
        "body": markup.render(consent.text.body),
        "page_counter": page_counter(),
        "granted": [labels[a.purpose] for a in answers if a.granted],
        "refused": [labels[a.purpose] for a in answers if not a.granted],
        "answers": [(labels[a.purpose], a.granted) for a in answers],
        "signature_url": "data:image/png;base64,"
        + base64.b64encode(signature).decode(),
        "witness_name": consent.witness.user.display_name,
    }


def render_html(consent: Consent) -> str:
    """The PDF's HTML, wholly in the language the consent was signed in: the
    wording, every label, and dates in that language's format, at the practice's
    time of day (the worker has no request to take them from)."""
    from consent.services import signature_png

    zone = zoneinfo.ZoneInfo(consent.patient.practice.time_zone)
    with translation.override(consent.language), timezone.override(zone):
        return render_to_string(
            "consent/pdf.html", pdf_context(consent, signature_png(consent))
        )


def render_pdf(consent: Consent) -> bytes:
    """Render the consent as a PDF (WeasyPrint). Raises PdfRenderError on failure."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_html(consent)
    try:
        return HTML(
            string=html,
            # Only the embedded data: URL of the signature; nothing is fetched (S35).
            url_fetcher=URLFetcher(allowed_protocols={"data"}),
        ).write_pdf()
    except Exception as exc:  # noqa: BLE001 - any renderer failure is retried
        raise PdfRenderError(type(exc).__name__) from exc


def make_pdf(*, consent_uuid) -> ConsentDocument:
    """Render and store the PDF once; safe to run twice (a ready copy is kept).

    The attempt is counted and committed before rendering, and a failure is
    committed too, so the consent page can show it while the task retries.
    """
    document = retry_transient(lambda: _count_attempt(consent_uuid))
    if document.status == ConsentDocument.Status.READY:
        return document
    consent = document.consent
    try:
        pdf = render_pdf(consent)
    except PdfRenderError:
        document.status = ConsentDocument.Status.FAILED
        document.save(update_fields=["status", "updated_at"])
        logger.warning(
            "consent PDF failed for consent %s (attempt %s)",
            consent.uuid,
            document.attempts,
        )
        raise
    name = blobs.save_blob(
        consent.patient, obj=consent.uuid, label=PDF_LABEL, plaintext=pdf
    )
    with transaction.atomic():
        fresh = ConsentDocument.objects.select_for_update().get(pk=document.pk)
        if fresh.status == ConsentDocument.Status.READY:
            # Another run finished first: keep its copy, drop ours.
            transaction.on_commit(lambda: blobs.delete_blob(name))
            return fresh
        fresh.pdf_blob = name
        fresh.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        fresh.status = ConsentDocument.Status.READY
        fresh.rendered_at = timezone.now()
        fresh.save()
        return fresh


@transaction.atomic
def _count_attempt(consent_uuid) -> ConsentDocument:
    # Only the document row is locked (OF self): the joined member, user, patient
    # and template rows are read, and consents recorded meanwhile by the same
    # member (which take their key-share locks) never wait on this job (#20).
    document = (
        ConsentDocument.objects.select_for_update(of=("self",))
        .select_related(
            "consent__patient__practice",
            "consent__template",
            "consent__witness__user",
        )
        .prefetch_related("consent__template__texts")
        .get(consent__uuid=consent_uuid)
    )
    if document.status != ConsentDocument.Status.READY:
        document.attempts += 1
        document.save(update_fields=["attempts", "updated_at"])
    return document


def pdf_bytes(consent: Consent) -> bytes:
    document = ConsentDocument.objects.filter(consent=consent).first()
    if document is None or document.status != ConsentDocument.Status.READY:
        raise ConsentError(
            _("The PDF copy is still being prepared. Try again in a minute.")
        )
    return blobs.read_blob(
        consent.patient, obj=consent.uuid, label=PDF_LABEL, name=document.pdf_blob
    )
