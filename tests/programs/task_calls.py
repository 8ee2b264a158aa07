"""Task() called right and wrong: prints what each call gives, the same traced or not."""
import asyncio


async def job():
    return 1


async def main():
    loop = asyncio.get_running_loop()
    calls = {
        "no coroutine": lambda coro: asyncio.Task(),
        "two positionals": lambda coro: asyncio.Task(coro, loop),
        "unknown keyword": lambda coro: asyncio.Task(coro, colour="red"),
        "not a coroutine": lambda coro: asyncio.Task(42),
        "eager_start": lambda coro: asyncio.Task(coro, eager_start=False, name="eager"),
        "all keywords": lambda coro: asyncio.Task(coro, loop=loop, name="named", context=None),
        "coroutine by name": lambda coro: asyncio.Task(coro=coro, name="by-name"),
    }
    for what, call in calls.items():
        coro = job()
        try:
            task = call(coro)
        except TypeError as exc:
            print(f"{what}: TypeError: {exc}")
        else:
            print(f"{what}: {task.get_name()} -> {await task}")
        finally:
            coro.close()


asyncio.run(main())
