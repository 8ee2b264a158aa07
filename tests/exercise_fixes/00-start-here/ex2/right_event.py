"""Right: the service stops when an asyncio.Event is set; the main thread sets it through the
service's loop (call_soon_threadsafe) and waits for the thread. The service then ends by
itself, not cancelled, after its cleanup.
"""
import asyncio
import os
import threading
import time

# The check runs this program more than once, once with only 1 step of work and
# once with a longer cleanup: it sets STEPS and CLEANUP in the environment. Keep
# these two lines as they are.
STEPS = int(os.environ.get("STEPS", "100"))
CLEANUP = float(os.environ.get("CLEANUP", "0.2"))  # seconds the cleanup takes
service_loop = service_task = stop = None  # the service sets them when it starts


async def service():
    global service_loop, service_task, stop
    service_loop, service_task = asyncio.get_running_loop(), asyncio.current_task()
    stop = asyncio.Event()
    print("service: started", flush=True)
    try:
        for step in range(STEPS):
            try:  # one step of work, unless asked to stop
                await asyncio.wait_for(stop.wait(), 1.0)
                break
            except TimeoutError:
                pass
    finally:
        print("service: closing", flush=True)
        await asyncio.sleep(CLEANUP)  # a cleanup that awaits
        print("service: cleanup done", flush=True)


def serve():
    try:
        asyncio.run(service())
    except asyncio.CancelledError:
        pass  # in a thread, asyncio.run raises this when its task was cancelled
    print("service thread: finished", flush=True)


thread = threading.Thread(target=serve, name="service-thread", daemon=True)
thread.start()
try:
    while thread.is_alive():  # the main thread's own work would go here
        time.sleep(0.1)
except KeyboardInterrupt:
    print("main: Ctrl+C", flush=True)
    service_loop.call_soon_threadsafe(stop.set)
    thread.join()
    raise
