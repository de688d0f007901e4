"""The room's bounds: posts per participant over time, and disk use (server.py).

A participant may post BURST records at once, then one every 60/RATE
seconds: a post past that is refused with 429 and Retry-After, never queued.
The database keeps, per participant, the latest cells and the last HISTORY
records; ceiling() is the disk use that follows, whatever clients send.
"""

import math
import threading
import time

BURST = 8
PAGE = 4096
MAX_BODY = 16 * 1024          # bytes of one record, as sent and as stored
MAX_WHY = 200                 # characters of a cell's why
WAL_LIMIT = 4 * 1024 * 1024   # PRAGMA journal_size_limit: the WAL is cut back to this


class RateLimiter:
    """A token bucket per participant: BURST posts, refilled at `rate` a minute."""

    def __init__(self, rate_per_minute, burst=BURST):
        self.every = 60.0 / rate_per_minute
        self.burst = burst
        self.buckets = {}          # id -> (tokens, at); a full bucket is dropped
        self.lock = threading.Lock()

    def take(self, pid, now=None):
        """0 when pid may post now (and counts it), else the seconds to wait."""
        now = time.monotonic() if now is None else now
        with self.lock:
            tokens, at = self.buckets.get(pid, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) / self.every)
            if tokens < 1:
                return max(1, math.ceil((1 - tokens) * self.every))
            self.buckets[pid] = (tokens - 1, now)
            if len(self.buckets) > 1024:
                self.prune(now)
            return 0

    def prune(self, now):
        for pid, (tokens, at) in list(self.buckets.items()):
            if tokens + (now - at) / self.every >= self.burst:
                del self.buckets[pid]

    def forget(self, pid=None):
        with self.lock:
            if pid is None:
                self.buckets.clear()
            else:
                self.buckets.pop(pid, None)


def ceiling(participants, history, katas):
    """Bytes that the database, its WAL and its shared memory reach at most.

    A stored record is at most MAX_BODY bytes: its overflow pages and its
    share of a leaf, rounded up to whole pages. A cell is at most a why of
    MAX_WHY characters of 4 bytes, and B-tree leaves may stand half empty.
    The WAL is checkpointed at 1000 pages and cut back to WAL_LIMIT after."""
    record = (math.ceil(MAX_BODY / (PAGE - 4)) + 1) * PAGE + 256
    cells = 2 * katas * (MAX_WHY * 4 + 256)
    per_participant = history * record + cells + 1024
    database = 64 * PAGE + participants * per_participant
    wal = max(WAL_LIMIT, 1000 * (PAGE + 24)) + record + cells + 64 * PAGE
    return database + wal + 64 * 1024
