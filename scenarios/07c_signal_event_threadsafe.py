"""signal.signal handler -> asyncio.Event, fixed to wake the loop at once.

Pattern: as 07b, but the handler does `loop.call_soon_threadsafe(stop_event.set)`.
call_soon_threadsafe writes to the loop's self-pipe, so select() returns and the
waiter runs immediately.  (loop.add_signal_handler, see 08a, does this for you on
Unix; signal.signal is the portable route, e.g. on Windows.)

Source: 001_d7e435d829fba1a9.txt, answer by mgrandi (fix by the project).

Interrupt plan: SIGINT at 0.5 s after the loop starts.

What to observe: "woke up" within a few milliseconds of "SIGINT caught", session
cleanup, exit code 0.
"""
import asyncio
import signal

PLAN = ["INT@0.5"]
stop_event = asyncio.Event()
loop = None


class FakeSession:
    async def __aenter__(self):
        print("session: opened", flush=True)
        return self

    async def __aexit__(self, *exc):
        await asyncio.sleep(0.05)
        print("session: cleanup done (connections closed)", flush=True)


async def run():
    global loop
    loop = asyncio.get_running_loop()
    async with FakeSession():
        for round_no in range(1, 3):
            print(f"round {round_no}: waiting up to 2 s for the stop event", flush=True)
            try:
                await asyncio.wait_for(stop_event.wait(), timeout=2)
                print(f"round {round_no}: woke up: stop event set", flush=True)
                break
            except asyncio.TimeoutError:
                pass
    print("run: returning", flush=True)


def on_sigint(sig, frame):
    print("signal handler: SIGINT caught, setting the stop event", flush=True)
    loop.call_soon_threadsafe(stop_event.set)


signal.signal(signal.SIGINT, on_sigint)
asyncio.run(run())
