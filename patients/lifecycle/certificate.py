"""The erasure certificate as a PDF (WeasyPrint), rendered from its PHI-free row."""

from django.conf import settings
from django.template.loader import render_to_string


def certificate_pdf(*, certificate, practice) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "patients/lifecycle/certificate.html",
        {
            "certificate": certificate,
            "practice": practice,
            "rows": sorted(certificate.erased.get("rows", {}).items()),
            "backup_days": getattr(settings, "BACKUP_RETENTION_DAYS", None),
        },
    )
    return HTML(string=html).write_pdf()
