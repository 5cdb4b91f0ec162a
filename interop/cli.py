"""What the interop commands share: finding the practice, patient and acting owner.

Commands act as the practice's longest-serving active owner, so their reads
are scoped and audited like a member's (as `import_photos` does).
"""

from datetime import date

from django.core.management.base import CommandError
from django.utils.translation import gettext

from patients.selectors import patient_uuid_for_record_number
from pixiodoc.accounts.models import Member, Practice

BAD_ARGUMENTS = 2


def bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_ARGUMENTS)


def practice(slug: str) -> Practice:
    found = Practice.objects.filter(slug=slug).first()
    if found is None:
        raise bad(gettext("no practice with slug %(slug)r") % {"slug": slug})
    return found


def acting_owner(practice: Practice) -> Member:
    owner = (
        Member.objects.filter(practice=practice, is_active=True, role="owner")
        .select_related("user", "practice")
        .order_by("pk")
        .first()
    )
    if owner is None:
        raise bad(gettext("the practice has no active owner"))
    return owner


def patient(member: Member, record_number: str):
    from patients.selectors import patients_for

    uuid = patient_uuid_for_record_number(member.practice, record_number)
    found = patients_for(member=member).filter(uuid=uuid).first() if uuid else None
    if found is None:
        raise bad(gettext("no such patient in that practice (give the record number)"))
    return found


def visit_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise bad(gettext("--visit-date must be YYYY-MM-DD")) from None
