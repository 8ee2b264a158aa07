"""Large task churn: 120 rounds of a gather of 10 groups, each a gather of 50 short tasks
(about 61,200 tasks in all, 3 awaits each): a busy program's trace for the parent to build."""
import asyncio


async def short_job(n):
    for _ in range(3):
        await asyncio.sleep(0)
    return n


async def group():
    return sum(await asyncio.gather(*(short_job(i) for i in range(50))))


async def main():
    total = 0
    for _ in range(120):
        total += sum(await asyncio.gather(*(group() for _ in range(10))))
    print(total)


asyncio.run(main())
