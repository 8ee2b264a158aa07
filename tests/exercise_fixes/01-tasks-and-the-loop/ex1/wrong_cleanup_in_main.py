"""Wrong: main prints the worker's cleanup line in its own `finally`; the worker, which owns
the connection, still never closes it.

Rejected by: not by worker
"""
import asyncio
import os

STEPS = int(os.environ.get("STEPS", "100"))


async def worker():
    print("worker: connection open", flush=True)
    for step in range(STEPS):
        await asyncio.sleep(0.1)  # one step of work
    print("worker: closing the connection", flush=True)
    await asyncio.sleep(0.1)


async def main():
    try:
        await asyncio.create_task(worker(), name="worker")
    finally:
        print("worker: cleanup done", flush=True)


asyncio.run(main())
