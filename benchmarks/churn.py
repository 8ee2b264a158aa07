"""Task churn: 20,000 short tasks with a few awaits each, in batches of 500."""
import asyncio


async def short_job(n):
    for _ in range(3):
        await asyncio.sleep(0)
    return n


async def main():
    total = 0
    for _ in range(40):
        results = await asyncio.gather(*(short_job(i) for i in range(500)))
        total += sum(results)
    print(total)


asyncio.run(main())
