"""Cleanup through async context managers, try/finally and AsyncExitStack under Ctrl+C.

Pattern: main() holds three resources: one via `async with Resource(...)` whose
__aexit__ awaits (as in the tutorial's AsyncResourceManager), one via try/finally,
and two registered on a contextlib.AsyncExitStack (an entered context manager and
a push_async_callback).  All are released when asyncio.run cancels main on Ctrl+C.

Source: 000_4a9d0e210ebf8b54.txt, section "Using Context Managers for Resource
Management" (the __aexit__ with a 1 s cleanup delay is kept as 0.3 s);
AsyncExitStack and try/finally are the project's additions.

Interrupt plan: SIGINT at 0.5 s after the loop starts.

What to observe: after the interrupt, cleanup runs innermost first (LIFO): the
`async with` resource, then the try/finally, then the exit stack's callback and
resource in reverse order of registration - each "cleanup done" line appears even
though the cleanups await.  __aexit__ sees exc_type CancelledError.  Then the
KeyboardInterrupt traceback, exit code -2.
"""
import asyncio
import contextlib

PLAN = ["INT@0.5"]


class Resource:
    def __init__(self, name):
        self.name = name

    async def __aenter__(self):
        print(f"{self.name}: opened", flush=True)
        return self

    async def __aexit__(self, exc_type, exc, tb):
        kind = exc_type.__name__ if exc_type else None
        print(f"{self.name}: cleanup started (exc_type={kind})", flush=True)
        await asyncio.sleep(0.3)
        print(f"{self.name}: cleanup done", flush=True)


async def close_pool():
    await asyncio.sleep(0.1)
    print("pool: cleanup done (push_async_callback)", flush=True)


async def main():
    async with contextlib.AsyncExitStack() as stack:
        await stack.enter_async_context(Resource("cache"))
        stack.push_async_callback(close_pool)
        lock_file = "held"
        print("lock file: taken", flush=True)
        try:
            async with Resource("database"):
                print("main: working for 2 s", flush=True)
                await asyncio.sleep(2)
        finally:
            await asyncio.sleep(0.1)
            print(f"lock file: cleanup done (was {lock_file})", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
