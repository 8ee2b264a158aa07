"""Wrong: the cleanup is in `except asyncio.CancelledError:`, so it runs on a Ctrl+C but not
when a worker ends by itself (quick, or slow without a Ctrl+C).

Rejected by: 'slow: cleanup done' was never printed
"""
import asyncio
import os

# The check runs this program more than once, once with slow working only 0.5 s:
# it sets SLOW_SECONDS in the environment. Keep this line as it is.
SLOW_SECONDS = float(os.environ.get("SLOW_SECONDS", "20"))


async def worker(name, seconds):
    print(f"{name}: working for {seconds} s", flush=True)
    try:
        await asyncio.sleep(seconds)
        print(f"{name}: done", flush=True)
    except asyncio.CancelledError:  # Ctrl+C cancels the task
        print(f"{name}: cleanup", flush=True)
        await asyncio.sleep(1)  # a cleanup that awaits, like closing a connection
        print(f"{name}: cleanup done", flush=True)
        raise


async def main():
    async with asyncio.TaskGroup() as group:
        group.create_task(worker("quick", 0.3), name="quick")
        group.create_task(worker("slow", SLOW_SECONDS), name="slow")


asyncio.run(main())
