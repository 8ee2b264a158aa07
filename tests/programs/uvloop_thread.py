"""An event loop in a worker thread, stopped from the main thread: its main task is cancelled
with call_soon_threadsafe after 0.3 s, on the loop argv[1] names: "uvloop" (uvloop.run) or
"asyncio" (asyncio.run)."""
import asyncio
import sys
import threading
import time

started = threading.Event()
state = {}


async def main():
    state["loop"] = asyncio.get_running_loop()
    state["task"] = asyncio.current_task()
    print(f"loop: {type(state['loop']).__module__.partition('.')[0]}", flush=True)
    helper = asyncio.create_task(asyncio.sleep(30), name="helper")
    started.set()
    try:
        await helper
    finally:
        helper.cancel()
        await asyncio.sleep(0.02)
        print("service: cleanup ran", flush=True)


def serve():
    if sys.argv[1] == "asyncio":
        run = asyncio.run
    else:
        import uvloop

        run = uvloop.run
    try:
        run(main())
    except asyncio.CancelledError:
        print("service cancelled", flush=True)


worker = threading.Thread(target=serve, name="loop-thread")
worker.start()
started.wait()
time.sleep(0.3)
state["loop"].call_soon_threadsafe(state["task"].cancel)
worker.join()
print("done", flush=True)
