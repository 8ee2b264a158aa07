"""Right: the connection is an async context manager whose exit closes it, however the
block is left."""
import asyncio
import contextlib
import os

STEPS = int(os.environ.get("STEPS", "100"))


@contextlib.asynccontextmanager
async def connection():
    print("worker: connection open", flush=True)
    try:
        yield
    finally:
        print("worker: closing the connection", flush=True)
        await asyncio.sleep(0.1)
        print("worker: cleanup done", flush=True)


async def worker():
    async with connection():
        for step in range(STEPS):
            await asyncio.sleep(0.1)  # one step of work


async def main():
    await asyncio.create_task(worker(), name="worker")


asyncio.run(main())
