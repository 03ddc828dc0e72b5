"""A token bucket per client address, for the public API.

Each address has a bucket of `burst` tokens that refills at `rate` tokens a second; a
request takes one token or, if none is left, is refused with the seconds to wait until
one is (HTTP 429 with Retry-After). The buckets live where every worker and instance
sees them: in Redis when REDIS_URL is set (one Lua script, atomic on the server), else
in the store's database (one UPSERT, atomic on SQLite and PostgreSQL alike), so that
parallel requests from one address can never all read "tokens left".

The address is `request.remote_addr`: with WEC_PROXY_HOPS set, ProxyFix has taken it
from the trusted proxies' X-Forwarded-For (as the staff sign-in throttle does);
without it, a client's own X-Forwarded-For is ignored.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Float,
    MetaData,
    String,
    Table,
    case,
    delete,
    literal,
)
from sqlalchemy.dialects import postgresql, sqlite

log = logging.getLogger(__name__)

metadata = MetaData()
api_buckets = Table(
    "api_buckets",
    metadata,
    Column("key", String(120), primary_key=True),
    Column("tokens", Float, nullable=False),
    Column("updated", Float, nullable=False),  # seconds since the epoch
    Column("allowed", Boolean, nullable=False),  # whether the last request was let through
)
# Buckets untouched for this many refills are full again and are deleted, every
# CLEAN_EVERY checks of a process.
CLEAN_EVERY = 1000


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int
    retry_after: int  # whole seconds until a token is there (0 when allowed)


def _retry_after(tokens: float, rate: float) -> int:
    return max(1, math.ceil((1 - tokens) / rate))


class StoreBuckets:
    """Buckets in a SQL table of the store's database."""

    def __init__(self, engine: Engine, *, rate: float, burst: int) -> None:
        self.engine = engine
        self.rate = rate
        self.burst = float(burst)
        self._checks = 0
        self._lock = threading.Lock()
        metadata.create_all(engine)

    def take(self, address: str, now: float | None = None) -> Decision:
        now = time.time() if now is None else now
        t = api_buckets
        key = f"api:{address[:100]}"
        filled = t.c.tokens + (literal(now) - t.c.updated) * self.rate
        refilled = case((filled > self.burst, self.burst), else_=filled)
        has_one = refilled >= 1
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        stmt = (
            dialect.insert(t)
            .values(key=key, tokens=self.burst - 1, updated=now, allowed=True)
            .on_conflict_do_update(
                index_elements=[t.c.key],
                set_={
                    "tokens": case((has_one, refilled - 1), else_=refilled),
                    "updated": literal(now),
                    "allowed": has_one,
                },
            )
            .returning(t.c.tokens, t.c.allowed)
        )
        with self.engine.connect().execution_options(writer=True) as conn, conn.begin():
            tokens, allowed = conn.execute(stmt).one()
        self._clean(now)
        if allowed:
            return Decision(True, int(tokens), 0)
        return Decision(False, 0, _retry_after(tokens, self.rate))

    def _clean(self, now: float) -> None:
        with self._lock:
            self._checks += 1
            due = self._checks % CLEAN_EVERY == 0
        if due:
            idle = self.burst / self.rate
            with self.engine.begin() as conn:
                conn.execute(delete(api_buckets).where(api_buckets.c.updated < now - idle))


# KEYS[1] = the bucket; ARGV = rate, burst, now. Returns {allowed, tokens * 1000}.
_LUA = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1]) or burst
local updated = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - updated) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return {allowed, math.floor(tokens * 1000)}
"""


class RedisBuckets:
    """Buckets in Redis; the store's buckets stand in while Redis does not answer."""

    def __init__(self, client, fallback: StoreBuckets, *, rate: float, burst: int,
                 prefix: str = "wec:api:") -> None:  # fmt: skip
        self.client = client
        self.fallback = fallback
        self.rate = rate
        self.burst = float(burst)
        self.prefix = prefix
        self._script = client.register_script(_LUA)

    def take(self, address: str, now: float | None = None) -> Decision:
        now = time.time() if now is None else now
        try:
            allowed, milli = self._script(
                keys=[f"{self.prefix}{address[:100]}"], args=[self.rate, self.burst, now]
            )
        except Exception:
            log.warning("Redis rate limiter unavailable; counting in the store", exc_info=True)
            return self.fallback.take(address, now)
        tokens = int(milli) / 1000
        if int(allowed):
            return Decision(True, int(tokens), 0)
        return Decision(False, 0, _retry_after(tokens, self.rate))


def buckets(engine: Engine, redis_url: str | None, *, rate: float, burst: int):
    """The limiter the settings ask for: Redis when there is one, else the store."""
    store = StoreBuckets(engine, rate=rate, burst=burst)
    if not redis_url:
        return store
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return RedisBuckets(client, store, rate=rate, burst=burst)
