"""Workers whose cleanup needs no await, under asyncio.run: it completes wherever Ctrl+C lands.

Without an interrupt both workers finish (after 0.6 s and 0.9 s) and main returns.
"""
import asyncio


async def worker(n, seconds):
    try:
        await asyncio.sleep(seconds)
    finally:
        print(f"worker {n}: cleanup done", flush=True)


async def main():
    async with asyncio.TaskGroup() as group:
        for n in range(2):
            group.create_task(worker(n, 0.6 + 0.3 * n), name=f"worker-{n}")
    print("main: done", flush=True)


asyncio.run(main())
