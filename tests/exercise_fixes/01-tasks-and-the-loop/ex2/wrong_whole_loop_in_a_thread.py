"""Wrong: runs the whole loop of saves in one thread. The heartbeat keeps time and the
cleanup runs at once, but a thread cannot be cancelled: it saves every block, and
asyncio.run waits for it before the program can end.

Rejected by: after the first SIGINT (limit
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


def save_all():
    for number in range(STEPS):
        time.sleep(0.1)  # the next block arrives
        save_block(number)


async def worker():
    print("worker: connection open", flush=True)
    try:
        await asyncio.to_thread(save_all)
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
