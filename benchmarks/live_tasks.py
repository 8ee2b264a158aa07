"""20,000 tasks over about 5 seconds, up to 5,000 alive at once: a program to watch live."""
import asyncio


async def job(n):
    await asyncio.sleep(1.0 + (n % 7) / 10)
    return n


async def main():
    tasks = []
    for batch in range(40):
        tasks += [asyncio.create_task(job(batch * 500 + i)) for i in range(500)]
        await asyncio.sleep(0.1)
    print(sum(await asyncio.gather(*tasks)))


asyncio.run(main())
