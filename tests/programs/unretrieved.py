"""A task fails and nobody asks for its exception: asyncio says so when it is collected."""
import asyncio
import gc


async def boom():
    raise ValueError("nobody asked")


async def main():
    task = asyncio.create_task(boom())
    await asyncio.sleep(0.01)
    del task
    gc.collect()


asyncio.run(main())
