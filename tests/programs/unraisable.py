"""A pending task destroyed at exit whose finally raises: "Exception ignored in: <coroutine>"."""
import asyncio


async def stubborn():
    try:
        await asyncio.Event().wait()
    finally:
        raise RuntimeError("cleanup failed while the coroutine was closed")


async def main():
    asyncio.get_running_loop().create_task(stubborn())
    await asyncio.sleep(0.05)


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
