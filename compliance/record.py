"""The record of processing activities (GDPR Art. 30(1)) of one practice, as a PDF.

Written from what the practice has configured (consent forms and their
purposes, retention policy, settings) and what it holds (counts, never
patient data), read through each app's scoping selectors; recipients that
higher apps add (PACS destinations) come through pixiodoc.processing. The
record names the settings it reflects and a fingerprint of them, so two
records can be compared.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from audit.selectors import chain_status
from consent.models import Purpose
from consent.selectors import current_templates
from imaging.selectors import photos_by_region
from patients.lifecycle.retention import policy_years
from patients.selectors import patients_held
from pixiodoc import processing
from pixiodoc.accounts.models import Member
from pixiodoc.accounts.selectors import members_for
from sharing.selectors import share_links_for

LEGAL_BASIS = {
    Purpose.TREATMENT: _("Art. 6(1)(c) and Art. 9(2)(h): provision of health care"),
    Purpose.SECOND_OPINION: _("Art. 9(2)(a) and (h): the patient's consent, for care"),
    Purpose.TEACHING: _("Art. 9(2)(a): the patient's explicit consent"),
    Purpose.PUBLICATION: _("Art. 9(2)(a): the patient's explicit consent"),
}


@dataclass
class Record:
    practice: object
    made_at: object
    made_by: object
    controllers: list
    officers: list
    purposes: list = field(default_factory=list)
    subjects: list = field(default_factory=list)
    data: list = field(default_factory=list)
    recipients: list = field(default_factory=list)
    retention: list = field(default_factory=list)
    measures: list = field(default_factory=list)
    configuration: dict = field(default_factory=dict)
    fingerprint: str = ""


def configuration() -> dict:
    """The settings the record reflects, by name (values, never secrets)."""
    storage = settings.STORAGES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return {
        "DATABASE": connection.vendor,
        "STORAGE": storage,
        "KEY_ENCRYPTION_KEYS (versions)": len(settings.KEY_ENCRYPTION_KEYS),
        "SESSION_COOKIE_AGE": settings.SESSION_COOKIE_AGE,
        "SESSION_ABSOLUTE_LIMIT": str(settings.SESSION_ABSOLUTE_LIMIT),
        "RETENTION_DEFAULT_YEARS": settings.RETENTION_DEFAULT_YEARS,
        "AUDIT_RETENTION_DAYS": settings.AUDIT_RETENTION_DAYS,
        "EXPORT_TTL_HOURS": settings.EXPORT_TTL_HOURS,
        "SECURE_SSL_REDIRECT": bool(getattr(settings, "SECURE_SSL_REDIRECT", False)),
        "SECURE_HSTS_SECONDS": getattr(settings, "SECURE_HSTS_SECONDS", 0),
        "DEBUG": settings.DEBUG,
    }


def build_record(*, member, now=None) -> Record:
    now = now or timezone.now()
    practice = member.practice
    members = members_for(member=member).filter(is_active=True, user__is_active=True)
    record = Record(
        practice=practice,
        made_at=timezone.localtime(now),
        made_by=member,
        controllers=[m for m in members if m.role == "owner"],
        officers=[m for m in members if m.role == "compliance"],
    )
    templates = list(current_templates(member=member))
    for code, label in Purpose.choices:
        forms = [t.title for t in templates if code in t.purposes]
        record.purposes.append((label, LEGAL_BASIS[code], forms))

    links = share_links_for(member=member)
    year_ago = now - timedelta(days=365)
    recent_links = list(links.filter(created_at__gte=year_ago))
    roles = dict(members.values_list("role").annotate(n=Count("id")))
    role_labels = dict(Member.Role.choices)
    record.subjects = [
        (
            gettext("Patients"),
            gettext("%(count)s records held")
            % {"count": patients_held(practice=practice)},
        ),
        (
            gettext(
                "Recipients of share links (clinicians asked for a second opinion)"
            ),
            gettext("%(count)s in the last 12 months")
            % {"count": len({link.recipient_email.lower() for link in recent_links})},
        ),
        (
            gettext("Practice staff"),
            ", ".join(
                f"{role_labels.get(role, role)}: {n}"
                for role, n in sorted(roles.items())
            )
            or gettext("none"),
        ),
    ]
    regions = photos_by_region(practice=practice)
    record.data = [
        (
            gettext("Identity and contact"),
            gettext("name, date of birth, sex, record number, e-mail, telephone"),
        ),
        (gettext("Visits"), gettext("dates, reasons, clinical notes")),
        (
            gettext("Clinical photographs (health data, Art. 9)"),
            gettext("%(count)s photographs; by body region: %(regions)s")
            % {
                "count": sum(r["n"] for r in regions),
                "regions": ", ".join(f"{r['body_region']} {r['n']}" for r in regions)
                or gettext("none"),
            },
        ),
        (gettext("Consents"), gettext("signed forms, signatures, withdrawals")),
        (
            gettext("Access records"),
            gettext("audit log: who, what, when, from which address"),
        ),
    ]
    record.recipients = [
        (
            gettext("Share links (second opinion)"),
            [
                gettext(
                    "%(created)s links created in the last 12 months, %(open)s open "
                    "now; each at most %(days)s days"
                )
                % {
                    "created": len(recent_links),
                    "open": sum(1 for link in links if _open(link, now)),
                    "days": practice.share_link_max_days,
                }
            ],
        ),
        # Other apps register categories as plain English keys (gettext_noop).
        *(
            (gettext(name), lines)
            for name, lines in processing.recipients(practice).items()
        ),
    ]
    record.retention = [
        (
            gettext("Patient records"),
            gettext(
                "%(years)s years after the last visit (minors: at least until that "
                "many years after their 18th birthday), unless a legal hold "
                "applies; then erased by crypto-shredding"
            )
            % {"years": policy_years(practice)},
        ),
        (
            gettext("Share links"),
            gettext("closed links lose the recipient's details 30 days after closing"),
        ),
        (
            gettext("Patient exports"),
            gettext("offered once for %(hours)s hours, then deleted")
            % {"hours": settings.EXPORT_TTL_HOURS},
        ),
        (
            gettext("Audit log"),
            ngettext("%(days)s day", "%(days)s days", settings.AUDIT_RETENTION_DAYS)
            % {"days": settings.AUDIT_RETENTION_DAYS},
        ),
    ]
    status = chain_status(practice=practice)
    verified = sum(1 for m in members if _has_second_factor(m.user))
    record.measures = [
        (
            gettext("Encryption at rest"),
            gettext(
                "each patient's photographs, documents and exports under the "
                "patient's own AES-256-GCM key, wrapped by a versioned "
                "key-encryption key (%(versions)s version(s)); text fields "
                "encrypted; search through a keyed blind index; erasure destroys "
                "the patient's key"
            )
            % {"versions": len(settings.KEY_ENCRYPTION_KEYS)},
        ),
        (
            gettext("Sign-in"),
            gettext(
                "password and a second factor (TOTP or passkey) for every member: "
                "%(enrolled)s of %(members)s active members enrolled; sessions end "
                "after %(minutes)s idle minutes"
            )
            % {
                "enrolled": verified,
                "members": len(members),
                "minutes": settings.SESSION_COOKIE_AGE // 60,
            },
        ),
        (
            gettext("Access control"),
            gettext("roles per practice; the permission matrix on every page"),
        ),
        (gettext("Audit"), _audit_measure(status)),
    ]
    record.configuration = configuration()
    record.fingerprint = hashlib.sha256(
        json.dumps(record.configuration, sort_keys=True).encode()
    ).hexdigest()[:16]
    return record


def _audit_measure(status) -> str:
    if status is None:
        verified = gettext("not verified yet")
    else:
        verified = gettext("last verified %(when)s: %(state)s") % {
            "when": formats.date_format(
                timezone.localtime(status.checked_at), "DATETIME_FORMAT"
            ),
            "state": gettext("intact") if status.intact else gettext("BROKEN"),
        }
    return gettext(
        "every read of patient data recorded in a hash chain; %(verified)s"
    ) % {"verified": verified}


def _open(link, now) -> bool:
    return link.revoked_at is None and link.locked_at is None and link.expires_at > now


def _has_second_factor(user) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


def record_pdf(*, record: Record) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "compliance/record.html",
        {"r": record, "time_zone": timezone.get_current_timezone_name()},
    )
    return HTML(string=html).write_pdf()
