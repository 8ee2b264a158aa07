"""'Exit the event loop immediately' from a signal handler, under asyncio.run.

Pattern: loop.add_signal_handler(SIGINT, loop.stop) - stop the loop at once, as
the official add_signal_handler example does.  That is fine for a loop driven by
run_forever(), but asyncio.run drives the loop with run_until_complete(main),
which must not return before main is done.

Source: 001_d7e435d829fba1a9.txt, answer by Ambroz Bizjak ("in these handlers,
you may either exit the event loop immediately, or initiate some kind of cleanup
sequence"); the code is the project's.

Interrupt plan: SIGINT at 0.5 s after the loop starts.

What to observe: "RuntimeError: Event loop stopped before Future completed."
raised out of asyncio.run (traceback, exit code 1).  main's finally still runs,
but only because asyncio.run's shutdown then cancels the unfinished main task
("main: cleanup done" after "handler: stopping the loop").
"""
import asyncio
import signal

PLAN = ["INT@0.5"]


async def main():
    loop = asyncio.get_running_loop()

    def stop_now():
        print("handler: stopping the loop", flush=True)
        loop.stop()

    loop.add_signal_handler(signal.SIGINT, stop_now)
    print("main: working 2 s", flush=True)
    try:
        await asyncio.sleep(2)
    finally:
        await asyncio.sleep(0.1)
        print("main: cleanup done", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
