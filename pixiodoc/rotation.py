"""The loop every key rotation runs: small batches, only the rows it rewrites locked.

A rotation must never report "nothing left" while rows wait under an old key
(an operator then drops that key and loses the data). So the loop asks what is
still pending after every pass, retries rows another transaction holds until
`wait` seconds have passed, and returns the exact count still pending.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pixiodoc.db import retry_transient

MAX_PAUSE = 2.0


@dataclass(frozen=True)
class Outcome:
    rewritten: int
    remaining: int


def rotate_in_batches(
    *,
    pending: Callable[[], Sequence[int]],
    rewrite: Callable[[Sequence[int]], int],
    batch_size: int,
    wait: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Outcome:
    """Rewrite what `pending()` lists until nothing is left or `wait` runs out.

    `rewrite(pks)` runs in a transaction of its own, locks only the rows of `pks`
    it can take without waiting (SKIP LOCKED), rewrites them and returns how many;
    deadlocks and lock timeouts retry the batch.
    """
    deadline = clock() + wait
    rewritten, pause = 0, 0.1
    while True:
        pks = list(pending())
        if not pks:
            return Outcome(rewritten, 0)
        progressed = 0
        for start in range(0, len(pks), batch_size):
            chunk = pks[start : start + batch_size]
            progressed += retry_transient(lambda chunk=chunk: rewrite(chunk))
        rewritten += progressed
        if progressed:
            pause = 0.1
            continue
        # Every pending row is held by another transaction: wait for it, briefly.
        if clock() >= deadline:
            return Outcome(rewritten, len(pks))
        sleep(pause)
        pause = min(pause * 2, MAX_PAUSE)
