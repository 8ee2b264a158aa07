"""HTTP client load for benchmarks/aiohttp_service.py, run as a process of its own.

Usage: python benchmarks/http_load.py PORT REQUESTS [CONCURRENCY]: waits for the service to
accept connections, then sends REQUESTS GETs, CONCURRENCY at a time, a new connection each
(so the service makes a task per connection, as it would for many clients).
"""
import asyncio
import sys
import time

import aiohttp


async def main(port, requests, concurrency):
    deadline = time.monotonic() + 60
    while True:  # the service is starting: wait for its port
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            await writer.wait_closed()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.01)
    left = iter(range(requests))
    connector = aiohttp.TCPConnector(force_close=True, limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def client():
            for n in left:
                try:
                    async with session.get(f"http://127.0.0.1:{port}/item{n}") as response:
                        await response.read()
                except aiohttp.ClientError:
                    return  # the service has served its count and closed

        await asyncio.gather(*(client() for _ in range(concurrency)))


asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) if sys.argv[3:] else 20))
