"""Is a run's producer still there? Asked by whoever waits on a run produced elsewhere: a
resumer following it from the log (follow.py), the user's next run waiting for its turn
(turns.py). Its lease (refreshed every second by the producer's chores, registry.py) went
stale, or, on this box, its process is gone."""
from __future__ import annotations

import os
import time

from jewelstream.runs.log import RunRecord

LEASE_STALE = 5.0           # a lease this old means the producer is gone (or frozen)


def producer_gone(record: RunRecord, *, same_box: bool = True) -> bool:
    """The lease went stale, or (a producer on this box) its process is gone."""
    return time.time() - record.lease > LEASE_STALE or (same_box and not _alive(record.pid))


def _alive(pid: int) -> bool:
    """Is process `pid` (on this box) alive? A killed child not yet reaped is a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True
