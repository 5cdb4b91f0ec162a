"""What consent gives the patient lifecycle jobs (docs/jobs.md): its export section and
the blob names its rows reference (for the orphan sweep). Registered in apps.py."""

from consent.documents import PDF_LABEL
from consent.models import Consent, ConsentDocument
from consent.services import SIGNATURE_LABEL
from pixiodoc import blobs, crypto


def export_section(patient):
    from patients.exports import ExportPart

    consents = (
        Consent.objects.filter(patient=patient)
        .select_related("template", "witness__user", "document")
        .prefetch_related("answers", "withdrawals", "template__texts")
        .order_by("signed_at")
    )
    data, files, unreadable = [], [], 0
    for consent in consents:
        data.append(
            {
                "uuid": str(consent.uuid),
                "form": consent.text.title,
                "form_version": consent.template.version,
                "language": consent.language,
                "signed_at": consent.signed_at.isoformat(),
                "signer_name": consent.signer_name,
                "signer_relation": consent.signer_relation,
                "signed_by_representative": consent.signed_by_representative,
                "witness": consent.witness.user.display_name,
                "answers": {a.purpose: a.granted for a in consent.answers.all()},
                "withdrawals": [
                    {"purpose": w.purpose, "withdrawn_on": w.withdrawn_on.isoformat()}
                    for w in consent.withdrawals.all()
                ],
            }
        )
        wanted = [
            (f"{consent.uuid}-signature.png", SIGNATURE_LABEL, consent.signature_blob)
        ]
        document = getattr(consent, "document", None)
        if document is not None and document.pdf_blob:
            wanted.append((f"{consent.uuid}.pdf", PDF_LABEL, document.pdf_blob))
        for path, label, name in wanted:
            try:
                files.append(
                    (
                        path,
                        blobs.read_blob(
                            patient, obj=consent.uuid, label=label, name=name
                        ),
                    )
                )
            except (crypto.IntegrityError, FileNotFoundError):
                unreadable += 1
    return ExportPart(data=data, files=files, unreadable=unreadable)


def referenced_blobs(patient_uuids):
    signatures = Consent.objects.filter(patient__uuid__in=patient_uuids).values_list(
        "signature_blob", flat=True
    )
    pdfs = (
        ConsentDocument.objects.filter(consent__patient__uuid__in=patient_uuids)
        .exclude(pdf_blob="")
        .values_list("pdf_blob", flat=True)
    )
    return [*signatures, *pdfs]
