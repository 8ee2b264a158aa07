"""A long-running service that shuts down gracefully on SIGTERM (and SIGINT).

Pattern: inside the running loop, loop.add_signal_handler(SIGTERM / SIGINT, ...)
sets a stop Event.  Workers finish the job in hand, leave their loop, and run
their cleanup; the service waits for them (with a deadline, after which it
cancels them), removes the handlers and returns normally.  add_signal_handler is
Unix-only; its callbacks run in the loop (it wakes the selector), so calling
asyncio APIs there is safe.

Source: 001_d7e435d829fba1a9.txt, answer by Ambroz Bizjak ("event-loop based
signal handlers for SIGINT and SIGTERM so you can run it as a service") and
000_4a9d0e210ebf8b54.txt, "Graceful Shutdowns".  The code is the project's.

Interrupt plan: SIGTERM at 0.5 s after the loop starts.  Without a signal the
service stops itself after 3 s.

What to observe: "service: got SIGTERM", each worker finishes its current job
("job N done"), "worker N: cleanup done", "service: stopped cleanly", exit code 0,
empty stderr.
"""
import asyncio
import signal

PLAN = ["TERM@0.5"]


async def worker(n, stop):
    print(f"worker {n}: started", flush=True)
    job = 0
    try:
        while not stop.is_set():
            job += 1
            await asyncio.sleep(0.4)  # one job; not interrupted half-way
            print(f"worker {n}: job {job} done", flush=True)
    finally:
        print(f"worker {n}: cleanup done", flush=True)


async def serve():
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def on_signal(sig):
        print(f"service: got {sig.name}, stopping after the current jobs", flush=True)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal, sig)
    workers = [asyncio.create_task(worker(n, stop)) for n in (1, 2)]
    try:
        await asyncio.wait_for(stop.wait(), timeout=3)
    except asyncio.TimeoutError:
        print("service: 3 s up, stopping", flush=True)
        stop.set()
    done, pending = await asyncio.wait(workers, timeout=2)
    for task in pending:  # deadline passed: cancel the stragglers
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.remove_signal_handler(sig)
    print("service: stopped cleanly", flush=True)


if __name__ == "__main__":
    asyncio.run(serve())
