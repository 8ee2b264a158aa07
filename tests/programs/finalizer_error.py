"""Exceptions in finalizers: Python reports each as "Exception ignored in: ..." on stderr."""
import asyncio


class Resource:
    def __del__(self):
        raise RuntimeError("cannot release")


async def main():
    Resource()
    await asyncio.sleep(0)


Resource()
asyncio.run(main())
