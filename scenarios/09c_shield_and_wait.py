"""asyncio.shield plus waiting for the shielded task: the commit survives Ctrl+C.

Pattern: main keeps a reference to the commit task, awaits it through
asyncio.shield(task), and when it is cancelled waits for that same task to
finish before re-raising the CancelledError.  (A second cancellation would
interrupt that wait; asyncio.run's first Ctrl+C cancels main only once.)

Source: the project's (see 09b).

Interrupt plan: SIGINT at 0.5 s after the loop starts (the commit runs 0.1-1.1 s).

What to observe: "main: cancelled; waiting for the commit to finish", then
"commit: cleanup done (transaction committed)" at ~1.1 s, then the
KeyboardInterrupt traceback, exit code -2.
"""
import asyncio

PLAN = ["INT@0.5"]


async def commit():
    print("commit: started (1 s)", flush=True)
    try:
        await asyncio.sleep(1)
        print("commit: cleanup done (transaction committed)", flush=True)
    except asyncio.CancelledError:
        print("commit: cleanup interrupted by CancelledError", flush=True)
        raise


async def main():
    print("main: started", flush=True)
    await asyncio.sleep(0.1)
    task = asyncio.create_task(commit())
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        print("main: cancelled; waiting for the commit to finish", flush=True)
        await task
        raise


if __name__ == "__main__":
    asyncio.run(main())
