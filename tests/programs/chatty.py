"""Short tasks in waves for about a second: a steady stream of events for live views."""
import asyncio


async def job(n):
    await asyncio.sleep(0)
    return n


async def main():
    for wave in range(25):
        await asyncio.gather(*(job(n) for n in range(8)))
        await asyncio.sleep(0.04)
    print("done", flush=True)


asyncio.run(main())
