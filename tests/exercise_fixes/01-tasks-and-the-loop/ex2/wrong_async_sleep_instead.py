"""Wrong: awaits an asyncio.sleep as long as a block instead of calling save_block(): the
loop stays free, but no block is ever saved (a learner's fix, seen in a read-through).

Rejected by: 'disk: block 2 saved' was never printed
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


async def save_block_async(number):
    await asyncio.sleep(BLOCK)


async def worker():
    print("worker: connection open", flush=True)
    try:
        for number in range(STEPS):
            await asyncio.sleep(0.1)  # the next block arrives
            await save_block_async(number)
    finally:
        print("worker: closing the connection", flush=True)
        await asyncio.sleep(0.1)
        print("worker: cleanup done", flush=True)


async def main():
    work = asyncio.create_task(worker(), name="worker")
    beat = asyncio.create_task(heartbeat(work), name="heartbeat")
    await work
    await beat  # raises the heartbeat's ConnectionError if the server hung up


asyncio.run(main())
