"""asyncio.run inside a threading.Thread, stopped from the main thread.

Pattern: a worker thread runs asyncio.run(service()); service() publishes its loop
and its own task.  The main thread sleeps in a loop until the thread sets a plain flag
when it ends.  It takes no lock while it waits: KeyboardInterrupt can land inside any
threading call and leave its lock in a bad state (thread.join(0.1) and is_alive() can
mark the thread finished on 3.11/3.12, see 15b; an Event.wait() cut short can keep its
lock held, so the thread's set() blocks for ever).  On Ctrl+C (which
arrives in the main thread only) it calls loop.call_soon_threadsafe(task.cancel)
- the one thread-safe way to touch that loop - and joins the thread.

Source: the project's (asyncio.run's Ctrl+C handling described in
001_d7e435d829fba1a9.txt, dcoles, only applies on the main thread).

Interrupt plan: SIGINT at 0.5 s after the loop starts.  Without it the service
ends by itself after 2 s.

What to observe: "main thread: KeyboardInterrupt, cancelling the service",
"service: cleanup done" (in the worker thread), and asyncio.run in the thread
raises CancelledError, not KeyboardInterrupt ("thread: asyncio.run raised
CancelledError").  The main thread then exits normally: exit code 0.
"""
import asyncio
import threading
import time

PLAN = ["INT@0.5"]
ready = threading.Event()
handle = {"ended": False}


async def service():
    handle["loop"] = asyncio.get_running_loop()
    handle["task"] = asyncio.current_task()
    ready.set()
    print("service: started in the worker thread", flush=True)
    try:
        await asyncio.sleep(2)
        print("service: finished", flush=True)
    finally:
        await asyncio.sleep(0.1)
        print("service: cleanup done", flush=True)


def thread_main():
    try:
        asyncio.run(service())
    except BaseException as exc:
        print(f"thread: asyncio.run raised {type(exc).__name__}", flush=True)
    finally:
        handle["ended"] = True  # a plain assignment: no lock to leave behind


if __name__ == "__main__":
    thread = threading.Thread(target=thread_main)
    thread.start()
    ready.wait()
    try:
        while not handle["ended"]:
            time.sleep(0.1)
    except KeyboardInterrupt:
        print("main thread: KeyboardInterrupt, cancelling the service", flush=True)
        handle["loop"].call_soon_threadsafe(handle["task"].cancel)
        thread.join()
    print("main thread: done", flush=True)
