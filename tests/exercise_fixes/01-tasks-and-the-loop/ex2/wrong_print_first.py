"""Wrong: saves in a thread, but prints the cleanup line at the start, so it is in the
output whatever happens; the real cleanup at the end never runs on a Ctrl+C.

Rejected by: before its cancellation was requested
"""
import asyncio
import os
import time

STEPS = int(os.environ.get("STEPS", "8"))
BLOCK = 0.5


def save_block(number):
    time.sleep(BLOCK)
    print(f"disk: block {number} saved", flush=True)


async def heartbeat(work):
    while not work.done():
        sent = time.monotonic()
        await asyncio.sleep(0.1)  # one ping
        late = time.monotonic() - sent - 0.1
        if late > 0.25:
            raise ConnectionError(f"ping {late:.2f} s late: the server hung up")


async def worker():
    print("worker: connection open", flush=True)
    print("worker: cleanup done", flush=True)
    for number in range(STEPS):
        await asyncio.sleep(0.1)  # the next block arrives
        await asyncio.to_thread(save_block, number)
    print("worker: closing the connection", flush=True)
    await asyncio.sleep(0.1)


async def main():
    work = asyncio.create_task(worker(), name="worker")
    beat = asyncio.create_task(heartbeat(work), name="heartbeat")
    await work
    await beat  # raises the heartbeat's ConnectionError if the server hung up


asyncio.run(main())
