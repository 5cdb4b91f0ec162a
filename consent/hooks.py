"""Withdrawal hooks: higher apps undo what depended on a purpose, without consent naming them.

Register from your AppConfig.ready():

    from consent.hooks import on_withdrawal

    def unmark_teaching(*, patient, purpose, actor, withdrawal) -> list[str]:
        ...
        return ["Unmarked photo 3f2a… for teaching"]

    on_withdrawal("teaching", unmark_teaching)

A callback runs inside the withdrawal's transaction, after the Withdrawal row is
saved (so `has_consent` already answers no), each in its own savepoint. It
returns PHI-free descriptions (uuids and counts, never names or free text) of
what it changed; they are kept on the Withdrawal and shown to staff so the
practice can recall copies.
"""

import logging
from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from audit.actions import ActorType
from consent.models import PURPOSE_CODES

logger = logging.getLogger(__name__)

WithdrawalCallback = Callable[..., list[str]]

_callbacks: dict[str, list[WithdrawalCallback]] = {}


def withdrawal_actor(*, withdrawal, actor) -> dict:
    """`record_event` arguments naming who withdrew: the member, or the patient's link.

    A patient who withdrew through their verified link has no Member: the
    events of the withdrawal and of its hooks name the link (issue 15).
    """
    if actor is not None:
        return {"actor": actor}
    return {
        "actor_type": ActorType.PATIENT_LINK,
        "actor_uuid": withdrawal.patient_link_uuid,
        "practice": withdrawal.patient.practice,
    }


def on_withdrawal(purpose: str, callback: WithdrawalCallback) -> None:
    """Call `callback(patient=, purpose=, actor=, withdrawal=)` when `purpose` is
    withdrawn. Registering the same callback twice has no extra effect.

    `actor` is None when the patient withdrew through their patient link: audit
    with `withdrawal_actor(withdrawal=, actor=)`."""
    if purpose not in PURPOSE_CODES:
        raise ValueError(f"unknown consent purpose {purpose!r}")
    callbacks = _callbacks.setdefault(purpose, [])
    if callback not in callbacks:
        callbacks.append(callback)


def callbacks_for(purpose: str) -> list[WithdrawalCallback]:
    return list(_callbacks.get(purpose, []))


def run_withdrawal_hooks(*, withdrawal, actor) -> list[str]:
    """Run every callback for the withdrawal's purpose; return their descriptions.

    A failing callback must not undo the withdrawal itself (it is effective at
    once and every check reads it), so its savepoint is rolled back, the failure
    is logged by uuid and reported as a description the staff can act on.
    """
    effects: list[str] = []
    for callback in callbacks_for(withdrawal.purpose):
        name = getattr(callback, "__qualname__", repr(callback))
        try:
            with transaction.atomic():
                described = callback(
                    patient=withdrawal.patient,
                    purpose=withdrawal.purpose,
                    actor=actor,
                    withdrawal=withdrawal,
                )
        except Exception:  # noqa: BLE001 - a hook bug must not block a withdrawal
            logger.exception(
                "withdrawal hook %s failed for withdrawal %s", name, withdrawal.uuid
            )
            effects.append(
                _("A follow-up step (%(step)s) failed; check and undo it by hand.")
                % {"step": name}
            )
            continue
        effects.extend(str(d) for d in described or [])
    return effects
