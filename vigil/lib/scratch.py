"""Scratch PostgreSQL databases and Redis database numbers, for benchmarks and tests.

Each is made for one run and removed after it; nothing that existed before is written to,
let alone dropped or emptied. A bench pointed at a shared server must never touch an
installation's own database or broker (``DATABASE_URL``, ``VIGIL_BROKER_URL``).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit, urlunsplit

__all__ = ["CLAIM_KEY", "ScratchError", "scratch_postgres", "scratch_redis"]

#: Marks a Redis database as taken by a run; it expires in case the run is killed.
CLAIM_KEY = "vigil:scratch-claim"
CLAIM_SECONDS = 6 * 3600
#: Never claimed: 0 is every broker's default, 15 the test suite's Celery tests.
RESERVED_REDIS_DBS = frozenset({0, 15})


class ScratchError(RuntimeError):
    """No scratch resource could be made (server down, no free database)."""


@contextlib.contextmanager
def scratch_postgres(server: str, prefix: str = "vigil_scratch") -> Iterator[str]:
    """A new, empty database on the server of ``server`` (a ``postgres://`` URL; its own
    database is only connected to, to create and drop); yields the new one's URL."""
    import psycopg
    from psycopg import sql

    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        raise ScratchError(f"cannot create a scratch database on {_safe(server)}: {exc}") from exc
    try:
        yield urlunsplit(urlsplit(server)._replace(path="/" + name))
    finally:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextlib.contextmanager
def scratch_redis(server: str, avoid: Iterable[str] = ()) -> Iterator[str]:
    """An empty Redis database on ``server`` (``redis://host:port``), claimed with a marker
    key so that two runs never share one; yields its URL and empties it afterwards.

    Databases 0 and 15 are never used, nor one named by a URL in ``avoid`` on the same server
    (the caller's ``VIGIL_BROKER_URL``, empty only because its workers are idle).
    """
    import redis

    base = urlsplit(server)._replace(path="", query="", fragment="")
    taken = set(RESERVED_REDIS_DBS)
    for url in avoid:
        other = urlsplit(url)
        if url and (other.hostname, other.port or 6379) == (base.hostname, base.port or 6379):
            taken.add(int(other.path.strip("/") or 0))
    token = secrets.token_hex(8)
    first = redis.Redis.from_url(urlunsplit(base), socket_timeout=5)
    try:
        count = int(first.config_get("databases").get("databases") or 16)
    except redis.ResponseError:  # CONFIG is disabled on some servers: Redis's default
        count = 16
    except redis.RedisError as exc:
        raise ScratchError(f"cannot reach Redis at {_safe(server)}: {exc}") from exc
    finally:
        first.close()
    for number in range(count - 1, 0, -1):
        if number in taken:
            continue
        client = redis.Redis.from_url(urlunsplit(base._replace(path=f"/{number}")))
        if client.dbsize() == 0 and client.set(CLAIM_KEY, token, nx=True, ex=CLAIM_SECONDS):
            if client.dbsize() == 1:
                break
            client.delete(CLAIM_KEY)  # something else arrived meanwhile: leave it
        client.close()
    else:
        raise ScratchError(
            f"no empty Redis database among 1-{count - 2} on {_safe(server)} "
            "(a killed run leaves its keys: empty its database with redis-cli -n N flushdb)"
        )
    try:
        yield urlunsplit(base._replace(path=f"/{number}"))
    finally:
        if client.get(CLAIM_KEY) == token.encode():
            client.flushdb()
        client.close()


def _safe(url: str) -> str:
    """``url`` without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
