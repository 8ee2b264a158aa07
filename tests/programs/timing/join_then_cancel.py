"""As join_interrupted.py, but the main thread asks the loop's thread to cancel the task when
Ctrl+C interrupts the join, and lets the KeyboardInterrupt go on: whether the task takes its
cancellation before the interpreter exits is a race between the two threads."""
import asyncio
import threading

ready = threading.Event()
state = {}


async def serve():
    state["loop"], state["task"] = asyncio.get_running_loop(), asyncio.current_task()
    ready.set()
    try:
        await asyncio.sleep(1)
        print("serve: done", flush=True)
    except asyncio.CancelledError:
        print("serve: cancelled", flush=True)
        raise


thread = threading.Thread(target=asyncio.run, args=(serve(),), name="loop-thread")
thread.start()
ready.wait()
print("main: ready", flush=True)
try:
    thread.join()
except KeyboardInterrupt:
    state["loop"].call_soon_threadsafe(state["task"].cancel)
    raise
