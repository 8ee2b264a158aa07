"""Right: the cleanup in an async context manager's finally block; `async with` runs it however
the block inside is left, and the CancelledError goes on after it.
"""
import asyncio
import contextlib
import os

# The check runs this program more than once, once with slow working only 0.5 s:
# it sets SLOW_SECONDS in the environment. Keep this line as it is.
SLOW_SECONDS = float(os.environ.get("SLOW_SECONDS", "20"))


@contextlib.asynccontextmanager
async def connection(name):
    try:
        yield
    finally:
        print(f"{name}: cleanup", flush=True)
        await asyncio.sleep(1)  # a cleanup that awaits, like closing a connection
        print(f"{name}: cleanup done", flush=True)


async def worker(name, seconds):
    print(f"{name}: working for {seconds} s", flush=True)
    async with connection(name):
        await asyncio.sleep(seconds)
        print(f"{name}: done", flush=True)


async def main():
    async with asyncio.TaskGroup() as group:
        group.create_task(worker("quick", 0.3), name="quick")
        group.create_task(worker("slow", SLOW_SECONDS), name="slow")


asyncio.run(main())
