"""Wrong: the cleanup is right (in finally), but the program then catches the
KeyboardInterrupt around asyncio.run() and ends normally, with exit code 0, as if nobody
had pressed Ctrl+C.

Rejected by: exit status 0, expected -2 or 130
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
    finally:
        # Runs however the try block is left: at its end, on an error, or when the task
        # is cancelled (Ctrl+C reaches a task as a CancelledError at its await, not as a
        # KeyboardInterrupt). The CancelledError goes on after the cleanup, so the task
        # ends cancelled and asyncio.run still raises KeyboardInterrupt at the end.
        print(f"{name}: cleanup", flush=True)
        await asyncio.sleep(1)  # a cleanup that awaits, like closing a connection
        print(f"{name}: cleanup done", flush=True)


async def main():
    async with asyncio.TaskGroup() as group:
        group.create_task(worker("quick", 0.3), name="quick")
        group.create_task(worker("slow", SLOW_SECONDS), name="slow")


try:
    asyncio.run(main())
except KeyboardInterrupt:
    print("stopped by Ctrl+C", flush=True)
