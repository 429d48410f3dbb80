"""Everything a Redis database holds, as bytes: to show that some text is no longer kept anywhere in it."""

from __future__ import annotations

import redis.asyncio as redis


async def redis_contents(url: str) -> bytes:
    """Every key and value of the database at `url`, whatever their types, run together."""
    client = redis.from_url(url)
    parts: list[bytes] = []
    try:
        async for key in client.scan_iter():
            parts.append(key)
            kind = (await client.type(key)).decode()
            if kind == "string":
                value = await client.get(key)
                parts.append(value or b"")
            elif kind == "hash":
                for field, value in (await client.hgetall(key)).items():
                    parts += [field, value]
            elif kind == "zset":
                parts += await client.zrange(key, 0, -1)
            elif kind in ("set", "list"):
                parts += await (client.smembers(key) if kind == "set" else client.lrange(key, 0, -1))
            else:
                raise AssertionError(f"{key!r} is a {kind}: read it here too")
    finally:
        await client.aclose()
    return b"\n".join(parts)
