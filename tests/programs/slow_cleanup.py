"""Cleanup that takes a second, so a second Ctrl+C can land during it."""
import asyncio


async def main():
    try:
        await asyncio.sleep(10)
    finally:
        print("cleanup started", flush=True)
        await asyncio.sleep(1)
        print("cleanup finished", flush=True)


asyncio.run(main())
