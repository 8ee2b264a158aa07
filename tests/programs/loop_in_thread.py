"""An event loop in a worker thread, stopped from the main thread."""
import asyncio
import threading
import time

state = {}


async def service():
    state["loop"] = asyncio.get_running_loop()
    state["task"] = asyncio.current_task()
    try:
        await asyncio.sleep(10)
    finally:
        print("service: cleanup ran", flush=True)


def run():
    try:
        asyncio.run(service())
    except asyncio.CancelledError:
        print("thread: service was cancelled", flush=True)


thread = threading.Thread(target=run, name="loop-thread")
thread.start()
time.sleep(0.3)
state["loop"].call_soon_threadsafe(state["task"].cancel)
thread.join()
