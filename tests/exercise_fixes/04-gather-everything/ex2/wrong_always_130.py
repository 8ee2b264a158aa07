"""Wrong: exits with status 130 whether or not Ctrl+C was pressed: a run that ended by
itself reports an interruption.

Rejected by: exit status 130, expected 0
"""
import asyncio
import os
import signal
import sys

# The check runs this program more than once, once without Ctrl+C and a short run: it
# sets RUN_FOR in the environment. Keep this line as it is.
RUN_FOR = float(os.environ.get("RUN_FOR", "2"))


async def worker(n):
    print(f"worker {n}: started", flush=True)
    try:
        await asyncio.sleep(10)
    finally:
        await asyncio.sleep(0.1 * n)  # e.g. close its connection
        print(f"worker {n}: cleanup done", flush=True)


async def main():
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGINT, stop.set)
    workers = [asyncio.create_task(worker(n), name=f"worker {n}") for n in (1, 2)]
    try:
        await asyncio.wait_for(stop.wait(), timeout=RUN_FOR)
    except TimeoutError:
        pass
    print("main: stopping the workers", flush=True)
    for task in workers:
        task.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    loop.remove_signal_handler(signal.SIGINT)
    print("main: cleanup done", flush=True)
    return stop.is_set()


asyncio.run(main())
sys.exit(130)
