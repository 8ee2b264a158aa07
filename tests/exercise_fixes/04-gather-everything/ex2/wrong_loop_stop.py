"""Wrong: the handler calls `loop.stop()` instead of `close()`: asyncio.run's
run_until_complete then fails with "Event loop stopped before Future completed", main is
cancelled by asyncio.run's shutdown before its own cleanup, and the program exits with status 1.

Rejected by: exit status 1
"""
import asyncio
import os
import signal

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

    def on_sigint():
        print("handler: Ctrl+C, stopping the loop", flush=True)
        loop.stop()

    loop.add_signal_handler(signal.SIGINT, on_sigint)
    workers = [asyncio.create_task(worker(n), name=f"worker {n}") for n in (1, 2)]
    await asyncio.sleep(RUN_FOR)  # the service runs; without Ctrl+C it stops after RUN_FOR s
    print("main: stopping the workers", flush=True)
    for task in workers:
        task.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    print("main: cleanup done", flush=True)


asyncio.run(main())
