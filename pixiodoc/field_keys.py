"""Re-encrypt every PHI text column under the first FIELD_ENCRYPTION_KEY (S19).

django-encrypted-model-fields encrypts with the first key of the list and
decrypts with any. Rotation: put the new key first, keep the old ones, run
`rotate_keys --field-key` until it prints "nothing left", then drop the old key.
Tokens are re-encrypted as they are (MultiFernet.rotate), never through the
model: a token no configured key opens would otherwise come back as its own
ciphertext and be encrypted again as if it were the value.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from encrypted_model_fields.fields import EncryptedMixin

from audit.actions import Action, ActorType
from audit.services import record_event
from pixiodoc.rotation import Outcome, rotate_in_batches


def encrypted_columns() -> dict[type, list[str]]:
    """Every model with encrypted fields, and those fields' column names."""
    found = {}
    for model in apps.get_models():
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, EncryptedMixin)
        ]
        if names:
            found[model] = names
    return found


def configured_keys() -> list[str]:
    keys = settings.FIELD_ENCRYPTION_KEY
    return [keys] if isinstance(keys, str) else list(keys)


@dataclass
class FieldKeyRotation:
    keys: list[str] = field(default_factory=configured_keys)
    unreadable: set[tuple[str, int]] = field(default_factory=set)

    def __post_init__(self):
        self.newest = Fernet(self.keys[0])
        self.any_key = MultiFernet([Fernet(key) for key in self.keys])

    def run(self, *, batch_size: int, wait: float) -> Outcome:
        rewritten = remaining = 0
        for model, columns in encrypted_columns().items():
            outcome = rotate_in_batches(
                pending=lambda m=model, c=columns: self.pending(m, c),
                rewrite=lambda pks, m=model, c=columns: self.rewrite(m, c, pks),
                batch_size=batch_size,
                wait=wait,
            )
            rewritten += outcome.rewritten
            remaining += outcome.remaining
        return Outcome(rewritten, remaining + len(self.unreadable))

    def pending(self, model, columns) -> list[int]:
        label = model._meta.label
        return [
            pk
            for pk, *tokens in _raw_tokens(model._base_manager.order_by("pk"), columns)
            if (label, pk) not in self.unreadable and self._stale(label, pk, tokens)
        ]

    def _stale(self, label: str, pk: int, tokens) -> bool:
        stale = [t for t in tokens if t is not None and not self._is_newest(t)]
        for token in stale:
            try:
                self.any_key.decrypt(token.encode())
            except InvalidToken:
                self.unreadable.add((label, pk))
                return False
        return bool(stale)

    def _is_newest(self, token: str) -> bool:
        try:
            self.newest.decrypt(token.encode())
        except InvalidToken:
            return False
        return True

    @transaction.atomic
    def rewrite(self, model, columns, pks: Sequence[int]) -> int:
        rows = model._base_manager.filter(pk__in=pks).order_by("pk")
        locked = rows.select_for_update(skip_locked=True, no_key=True, of=("self",))
        done = 0
        for pk, *tokens in _raw_tokens(locked, columns):
            fresh = {
                column: self.any_key.rotate(token.encode()).decode()
                for column, token in zip(columns, tokens, strict=True)
                if token is not None and not self._is_newest(token)
            }
            if fresh:
                _write_tokens(model, pk, fresh)
                done += 1
        if done:
            record_event(
                action=Action.FIELDS_REENCRYPTED,
                actor_type=ActorType.SYSTEM,
                details={"model": model._meta.label, "rows": done},
            )
        return done


def _write_tokens(model, pk: int, tokens: dict[str, str]) -> None:
    # Plain SQL: through the model the field would encrypt the token once more.
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column)} = %s" for column in tokens)
    with connection.cursor() as cursor:
        cursor.execute(
            # Identifiers come from the model and are quoted; values are parameters.
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
            f"WHERE {quote(model._meta.pk.column)} = %s",
            [*tokens.values(), pk],
        )


def _raw_tokens(queryset, columns):
    """(pk, token, …) rows with the stored ciphertext, not the decrypted value."""
    raw = {f"raw_{c}": Cast(c, output_field=TextField()) for c in columns}
    return queryset.annotate(**raw).values_list("pk", *raw)
