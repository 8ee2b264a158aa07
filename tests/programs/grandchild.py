"""Starts a long-lived child process of its own and prints its pid, then waits."""
import asyncio
import subprocess


async def main():
    child = subprocess.Popen(["sleep", "120"])
    print(f"grandchild {child.pid}", flush=True)
    await asyncio.sleep(60)


asyncio.run(main())
