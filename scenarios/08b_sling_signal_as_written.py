"""The Sling Academy "graceful shutdown" recipe as written: get_running_loop() at module level.

Pattern: main() registers loop.add_signal_handler(SIGINT/SIGTERM, lambda:
asyncio.create_task(cleanup())) using a module-level `loop`, which the recipe
obtains with asyncio.get_running_loop() *before* calling asyncio.run(main()).

Source: 000_4a9d0e210ebf8b54.txt, section "Graceful Shutdowns".

Changed from the source: own names and prints; the 10 s "long-running operation"
is 3 s.  Nothing else: the module-level get_running_loop() call is kept.

Interrupt plan: SIGINT at 0.5 s after the loop starts - but no loop ever starts,
so the driver never sends it.

What to observe: the script dies before asyncio.run is reached: "RuntimeError: no
running event loop" from the module-level get_running_loop() call, exit code 1,
nothing on stdout, on 3.11, 3.12 and 3.13 alike.  The tutorial's claim that this
registers working handlers is wrong on every version (get_running_loop has
always required a running loop).
"""
import asyncio
import signal

PLAN = ["INT@0.5"]


async def release_resources():
    print("cleanup: releasing resources...", flush=True)
    await asyncio.sleep(1)  # pretend cleanup takes a while
    print("cleanup: done", flush=True)


async def main():
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: asyncio.create_task(release_resources()))
    print("main: running (3 s)", flush=True)
    await asyncio.sleep(3)
    print("main: finished", flush=True)


loop = asyncio.get_running_loop()
asyncio.run(main())
