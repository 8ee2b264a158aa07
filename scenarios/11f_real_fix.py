"""The real fix for 'Cannot close a running event loop': ask to stop, let the owner close.

Pattern: code inside the loop (here a SIGINT handler installed with
loop.add_signal_handler) never closes the loop; it only sets a stop Event.  main
waits for the event, cancels and awaits its workers, and returns; asyncio.run,
which owns the loop, closes it after run_until_complete has returned.

Source: the project's answer to 002_9284ce0e341267b1.txt (compare 11a/11b).

Interrupt plan: SIGINT at 0.5 s after the loop starts.  Without it, main stops
itself after 2 s.

What to observe: "main: stop requested", both workers' "cleanup done", "main:
returning", exit code 0, nothing on stderr, no RuntimeError.
"""
import asyncio
import signal

PLAN = ["INT@0.5"]


async def worker(n):
    print(f"worker {n}: started", flush=True)
    try:
        await asyncio.sleep(3)
    finally:
        await asyncio.sleep(0.1)
        print(f"worker {n}: cleanup done", flush=True)


async def main():
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGINT, stop.set)
    workers = [asyncio.create_task(worker(n)) for n in (1, 2)]
    try:
        await asyncio.wait_for(stop.wait(), timeout=2)
        print("main: stop requested", flush=True)
    except asyncio.TimeoutError:
        print("main: 2 s up", flush=True)
    for t in workers:
        t.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    loop.remove_signal_handler(signal.SIGINT)
    print("main: returning; asyncio.run closes the loop", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
