"""Right: the handler sets a stop event; main waits for it with `asyncio.timeout()`
and runs the workers in a TaskGroup, whose exit waits for them after they are cancelled; the
program then re-raises KeyboardInterrupt itself after asyncio.run has closed the loop.

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
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGINT, stop.set)
    async with asyncio.TaskGroup() as group:
        workers = [group.create_task(worker(n), name=f"worker {n}") for n in (1, 2)]
        try:
            async with asyncio.timeout(RUN_FOR):
                await stop.wait()
        except TimeoutError:
            pass
        print("main: stopping the workers", flush=True)
        for task in workers:
            task.cancel()
    loop.remove_signal_handler(signal.SIGINT)
    print("main: cleanup done", flush=True)
    return stop.is_set()


if asyncio.run(main()):
    raise KeyboardInterrupt  # stopped by Ctrl+C: end as interrupted (status -2)
