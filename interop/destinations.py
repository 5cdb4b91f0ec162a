"""Adding and removing a practice's PACS destinations (owners only, audited)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from audit.actions import Action
from audit.services import record_event
from interop.exceptions import InteropError
from interop.models import PacsDestination


def _require_owner(actor) -> None:
    if not actor.may("manage_practice"):
        raise InteropError(
            gettext("Only the practice's owner may configure PACS destinations.")
        )


@transaction.atomic
def add_destination(
    *,
    actor,
    name: str,
    url: str = "",
    ae_title: str = "",
    host: str = "",
    port: int | None = None,
    calling_ae_title: str = "PIXIODOC",
    auth: str = PacsDestination.Auth.NONE,
    username: str = "",
    secret: str = "",
    request=None,
) -> PacsDestination:
    """A DICOMweb destination (url) or a DIMSE one (ae_title, host, port)."""
    _require_owner(actor)
    if bool(url) == bool(ae_title or host or port):
        raise InteropError(
            gettext(
                "Give either a DICOMweb URL or an AE title, host and port, not both."
            )
        )
    destination = PacsDestination(
        practice=actor.practice,
        name=name,
        protocol=PacsDestination.Protocol.DICOMWEB
        if url
        else PacsDestination.Protocol.DIMSE,
        url=url,
        ae_title=ae_title,
        host=host,
        port=port,
        calling_ae_title=calling_ae_title,
        auth=auth,
        username=username,
        secret=secret,
        created_by=actor,
    )
    try:
        destination.full_clean(exclude=["practice", "created_by"])
        with transaction.atomic():
            destination.save()
    except ValidationError as error:
        problems = "; ".join(
            f"{k}: {' '.join(v)}" for k, v in error.message_dict.items()
        )
        raise InteropError(
            gettext("Check the destination: %(problems)s") % {"problems": problems}
        ) from None
    except IntegrityError:
        raise InteropError(
            gettext("The practice already has a destination named %(name)r.")
            % {"name": name}
        ) from None
    record_event(
        action=Action.PACS_DESTINATION_ADDED,
        actor=actor,
        request=request,
        target=destination,
        details={"protocol": destination.protocol, "auth": destination.auth},
    )
    return destination


@transaction.atomic
def remove_destination(*, actor, destination: PacsDestination, request=None) -> None:
    """Remove it with its per-photo states; the audit keeps what was sent."""
    _require_owner(actor)
    if destination.practice_id != actor.practice_id:
        raise InteropError(gettext("This destination belongs to another practice."))
    record_event(
        action=Action.PACS_DESTINATION_REMOVED,
        actor=actor,
        request=request,
        target=destination,
        details={"protocol": destination.protocol},
    )
    destination.delete()
