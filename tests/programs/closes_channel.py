"""Closes every descriptor it did not open, then opens a file that may get the same number."""
import asyncio
import os
import sys

os.closerange(3, 256)
target = open(sys.argv[1], "w")
print(f"file descriptor {target.fileno()}", flush=True)


async def main():
    for _ in range(5):
        await asyncio.sleep(0.1)
        asyncio.create_task(asyncio.sleep(0))
    target.write("only this\n")
    target.close()


asyncio.run(main())
