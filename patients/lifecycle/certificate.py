"""The erasure certificate as a PDF (WeasyPrint), rendered from its PHI-free row."""

from django.conf import settings
from django.template.loader import render_to_string

from pixiodoc.accounts.models import Member


def role_label(role: str) -> str:
    """A member's role in words, in the active language; an unknown key as it is."""
    return Member.Role(role).label if role in Member.Role.values else role


def certificate_pdf(*, certificate, practice) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "patients/lifecycle/certificate.html",
        {
            "certificate": certificate,
            "practice": practice,
            "requested_by_role": role_label(certificate.requested_by_role),
            "approved_by_role": role_label(certificate.approved_by_role),
            "rows": sorted(certificate.erased.get("rows", {}).items()),
            "backup_days": getattr(settings, "BACKUP_RETENTION_DAYS", None),
        },
    )
    return HTML(string=html).write_pdf()
