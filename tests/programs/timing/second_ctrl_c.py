"""asyncio.run: the first Ctrl+C cancels the main task, whose cleanup awaits for 0.4 s; the
second, 0.2 s later, reaches that cleanup as a KeyboardInterrupt."""
import asyncio


async def main():
    print("main: ready", flush=True)
    try:
        await asyncio.sleep(5)
    finally:
        print("main: cleanup started", flush=True)
        try:
            await asyncio.sleep(0.4)
            print("main: cleanup done", flush=True)
        except BaseException as exc:
            print(f"main: cleanup interrupted by {type(exc).__name__}", flush=True)
            raise


asyncio.run(main())
