"""Right: no handler of its own: asyncio.run's Ctrl+C handling cancels main, whose
shutdown is now in a finally; asyncio.run closes the loop and lets the KeyboardInterrupt out.

"""
import asyncio
import os

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
    workers = [asyncio.create_task(worker(n), name=f"worker {n}") for n in (1, 2)]
    try:
        await asyncio.sleep(RUN_FOR)
    finally:
        print("main: stopping the workers", flush=True)
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        print("main: cleanup done", flush=True)


asyncio.run(main())
