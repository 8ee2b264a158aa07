"""Leaves with os._exit while a task is pending: no exit handler runs."""
import asyncio
import os


async def forever():
    try:
        await asyncio.sleep(60)
    finally:
        print("forever: cleanup ran", flush=True)


async def main():
    asyncio.create_task(forever(), name="forever")
    await asyncio.sleep(0.1)
    os._exit(3)


asyncio.run(main())
