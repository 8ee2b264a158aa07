"""The Sling Academy recipe with only the loop lookup fixed: does cleanup finish?

Pattern: as written in the tutorial, except that `loop = asyncio.get_running_loop()`
moves into main().  The signal handler is `lambda: asyncio.create_task(cleanup())`:
it starts a cleanup task and nothing else - main() is not told to stop, and nobody
keeps a reference to the cleanup task or waits for it.

Source: 000_4a9d0e210ebf8b54.txt, section "Graceful Shutdowns" (08b is the
unchanged recipe).  The 10 s operation is 3 s, the cleanup 1 s as in the source.

Interrupt plan: SIGINT at 2.5 s after the loop starts, i.e. 0.5 s before main()
returns by itself.

What to observe: Ctrl+C does not stop the program (main keeps sleeping until 3 s).
The cleanup task starts at 2.5 s but needs 1 s; main returns at 3 s, and
asyncio.run then cancels the still-running cleanup task: "cleanup: interrupted
(CancelledError)", never "cleanup: done".  Exit code 0, no traceback.  With SIGINT
at 0.5 s instead, cleanup completes but the program still runs to 3 s - the
"interrupt" shuts nothing down.
"""
import asyncio
import signal

PLAN = ["INT@2.5"]


async def release_resources():
    print("cleanup: releasing resources...", flush=True)
    try:
        await asyncio.sleep(1)  # pretend cleanup takes a while
        print("cleanup: done", flush=True)
    except asyncio.CancelledError:
        print("cleanup: interrupted (CancelledError)", flush=True)
        raise


async def main():
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: asyncio.create_task(release_resources()))
    print("main: running (3 s)", flush=True)
    await asyncio.sleep(3)
    print("main: finished", flush=True)


asyncio.run(main())
