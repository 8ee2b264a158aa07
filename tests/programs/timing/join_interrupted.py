"""The main thread blocks in thread.join() while an event loop runs in a worker thread.

Ctrl+C interrupts the join. On 3.11 and 3.12 the interpreter then exits without waiting for
the thread (CPython issue 90882): the task is still pending. On 3.13 it waits: the task ends.
"""
import asyncio
import threading

ready = threading.Event()


async def serve():
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
thread.join()
