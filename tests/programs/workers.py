"""Two workers with cleanup under asyncio.run; prints "ready" once both wait."""
import asyncio


async def worker(n):
    try:
        await asyncio.sleep(10)
    finally:
        print(f"worker {n}: cleanup ran", flush=True)


async def main():
    tasks = [asyncio.create_task(worker(n), name=f"worker-{n}") for n in range(2)]
    await asyncio.sleep(0)
    print("ready", flush=True)
    await asyncio.gather(*tasks)


asyncio.run(main())
