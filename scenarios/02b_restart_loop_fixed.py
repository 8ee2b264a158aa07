"""Restart the loop after Ctrl+C, fixed: run_until_complete() on the cancelled gather.

Pattern: after KeyboardInterrupt, cancel the gather future (which cancels its
children) and run the loop again with run_until_complete(gathered), which returns
(by raising CancelledError) once every child has finished its cleanup.  Then
shut down async generators and close the loop.  A fresh loop from new_event_loop()
avoids the deprecated get_event_loop() call.

Source: the project's correction of dano's answer in 001_d7e435d829fba1a9.txt
(see 02a_restart_loop.py for the answer as written).

Interrupt plan: SIGINT at 0.5 s after the loop starts.

What to observe: both workers print "cleanup started" and "cleanup done" (the
cleanup even awaits), then "main: all tasks finished" and "main: loop closed";
exit code 0; nothing on stderr.
"""
import asyncio
import contextlib

PLAN = ["INT@0.5"]


async def worker(n, seconds):
    print(f"worker {n}: started, sleeping {seconds} s", flush=True)
    try:
        await asyncio.sleep(seconds)
    finally:
        print(f"worker {n}: cleanup started", flush=True)
        await asyncio.sleep(0.2)  # e.g. close a connection
        print(f"worker {n}: cleanup done", flush=True)


if __name__ == "__main__":
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    gathered = asyncio.gather(
        loop.create_task(worker(1, seconds=1)),
        loop.create_task(worker(2, seconds=2)),
    )
    try:
        loop.run_until_complete(gathered)
    except KeyboardInterrupt:
        print("main: caught KeyboardInterrupt, cancelling the gather", flush=True)
        gathered.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            loop.run_until_complete(gathered)
        print("main: all tasks finished", flush=True)
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
        print("main: loop closed", flush=True)
