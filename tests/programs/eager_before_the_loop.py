"""Eager task factory set on a loop that is not running yet: the first task made then is
scheduled as usual (its first step is not run inside create_task); one made later runs eagerly."""
import asyncio
import sys


async def job():
    await asyncio.sleep(0)


async def later():
    await asyncio.create_task(job(), name="eager")


loop = asyncio.new_event_loop()
if sys.version_info >= (3, 12):
    loop.set_task_factory(asyncio.eager_task_factory)
loop.run_until_complete(loop.create_task(job(), name="scheduled"))
loop.run_until_complete(later())
loop.close()
