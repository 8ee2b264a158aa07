"""Tasks whose lives are known in advance: how many steps each runs, how each ends."""
import asyncio
import sys


async def steps(awaits):
    for _ in range(awaits):
        await asyncio.sleep(0)


async def fails():
    await asyncio.sleep(0)
    raise ValueError("bad value")


async def sleeper():
    await asyncio.sleep(10)


async def times_out():
    try:
        async with asyncio.timeout(0):
            await asyncio.sleep(10)
    except TimeoutError:
        pass


async def main():
    three = asyncio.create_task(steps(3), name="three")
    failing = asyncio.create_task(fails(), name="failing")
    victim = asyncio.create_task(sleeper(), name="victim")
    await asyncio.sleep(0)
    victim.cancel("enough")
    renamed = asyncio.create_task(steps(1), name="before")
    renamed.set_name("after")
    await asyncio.gather(three, renamed, asyncio.create_task(times_out(), name="timeout"))
    for task in (failing, victim):
        try:
            await task
        except (ValueError, asyncio.CancelledError):
            pass
    if sys.version_info >= (3, 12):
        asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
        asyncio.create_task(steps(0), name="eager-done")
        await asyncio.create_task(steps(2), name="eager-waits")


asyncio.run(main())
