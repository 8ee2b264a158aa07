"""The tutorial's async context manager recipe as written, interrupted by Ctrl+C.

Pattern: a class with async __aenter__ / __aexit__, where __aexit__ prints and
awaits a 1 s "cleanup delay"; main uses it in `async with` around a 1 s sleep;
asyncio.run(main()).

Source: 000_4a9d0e210ebf8b54.txt, section "Using Context Managers for Resource
Management".

Changed from the source: own names and prints; nothing else (the 1 s sleeps
are kept).

Interrupt plan: SIGINT at 0.5 s after the loop starts.

What to observe: the tutorial's claim holds under asyncio.run: __aexit__ runs on
Ctrl+C ("resource: cleanup started", then after the full 1 s "resource: cleanup
done"), then the KeyboardInterrupt traceback, exit code -2.  It holds because
asyncio.run cancels main and lets it unwind; see 11c for a hand-driven loop where
the same cleanup would not run in time.
"""
import asyncio

PLAN = ["INT@0.5"]


class ManagedResource:
    async def __aenter__(self):
        print("resource: acquired", flush=True)
        return self

    async def __aexit__(self, exc_type, exc, tb):
        print("resource: cleanup started", flush=True)
        await asyncio.sleep(1)  # the tutorial's simulated cleanup delay
        print("resource: cleanup done", flush=True)


async def main():
    async with ManagedResource():
        await asyncio.sleep(1)


asyncio.run(main())
