"""As 15a, but the main thread waits with thread.join(0.1): a Ctrl+C there breaks join.

Pattern: as 15a except for how the main thread waits: `thread.join(0.1)` in a loop
instead of sleeping until a flag is set, so the KeyboardInterrupt is raised inside
Thread.join().

Source: the project's (CPython issue "Thread spuriously marked dead after
interrupting a join call", https://github.com/python/cpython/issues/90882).

Interrupt plan: SIGINT at 0.5 s after the loop starts.  Without it the service
ends by itself after 2 s.

What to observe: on 3.11 and 3.12 the interrupted join marks the still-running
thread as finished: the following thread.join() returns at once, "main thread:
done" prints, and the interpreter exits without waiting for the thread - no
"service: cleanup done", no "thread: asyncio.run raised" line, exit code 0.
On 3.13 (threading's join was reimplemented) the cancel is waited for: "service:
cleanup done", "thread: asyncio.run raised CancelledError", then "main thread:
done".
"""
import asyncio
import threading

PLAN = ["INT@0.5"]
ready = threading.Event()
handle = {}


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


if __name__ == "__main__":
    thread = threading.Thread(target=thread_main)
    thread.start()
    ready.wait()
    try:
        while thread.is_alive():
            thread.join(0.1)
    except KeyboardInterrupt:
        print("main thread: KeyboardInterrupt, cancelling the service", flush=True)
        handle["loop"].call_soon_threadsafe(handle["task"].cancel)
        thread.join()
    print("main thread: done", flush=True)
