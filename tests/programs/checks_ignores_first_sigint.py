"""Swallows the first Ctrl+C (its handler only prints), so it runs on until a second SIGINT."""
import asyncio
import signal


def first_ctrl_c(signum, frame):
    print("main: ignoring the first Ctrl+C", flush=True)
    signal.signal(signal.SIGINT, signal.default_int_handler)


signal.signal(signal.SIGINT, first_ctrl_c)


async def main():
    try:
        await asyncio.sleep(60)
    finally:
        print("main: cleanup done", flush=True)


asyncio.run(main())
