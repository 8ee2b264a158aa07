"""Imports and works for 0.5 s before its event loop starts."""
import time

time.sleep(0.5)
import asyncio  # noqa: E402


async def main():
    try:
        await asyncio.sleep(5)
    finally:
        print("main: cleanup ran", flush=True)


asyncio.run(main())
