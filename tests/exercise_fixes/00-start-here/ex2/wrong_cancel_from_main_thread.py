"""Wrong: `service_task.cancel()` called from the main thread does not wake the service's loop:
the cancellation takes effect only at the end of the 1 s step, too late.

Rejected by: after the first SIGINT (limit 0.6 s)
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
service_loop = service_task = None  # the service sets them when it starts


async def service():
    global service_loop, service_task
    service_loop, service_task = asyncio.get_running_loop(), asyncio.current_task()
    print("service: started", flush=True)
    try:
        for step in range(STEPS):
            await asyncio.sleep(1.0)  # one step of work
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
    service_task.cancel()
    thread.join()
    raise
