"""Right: the handler cancels main's task, as asyncio.run's own handler would; main stops
its workers in a finally, and the CancelledError that comes out of asyncio.run becomes exit
status 130.

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
    loop.add_signal_handler(signal.SIGINT, asyncio.current_task().cancel)
    workers = [asyncio.create_task(worker(n), name=f"worker {n}") for n in (1, 2)]
    try:
        await asyncio.sleep(RUN_FOR)
    finally:
        print("main: stopping the workers", flush=True)
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        loop.remove_signal_handler(signal.SIGINT)
        print("main: cleanup done", flush=True)


try:
    asyncio.run(main())
except asyncio.CancelledError:
    sys.exit(130)  # main was cancelled by our Ctrl+C handler
