"""Like 07a, but the work *waits* on the module-level Event instead of polling it.

Pattern: module-level `stop_event = asyncio.Event()` created before asyncio.run
(as in the source), a signal.signal(SIGINT) handler that sets it, and a worker that
waits with `asyncio.wait_for(stop_event.wait(), 2)` per round.  This is the case
where an Event created outside the loop is actually awaited inside asyncio.run's
loop.

Source: 001_d7e435d829fba1a9.txt, answer by mgrandi (variation by the project).

Interrupt plan: SIGINT at 0.5 s after the loop starts.

What to observe: the module-level Event works on 3.11-3.13 (since 3.10 it binds
to the running loop on first use; up to 3.9 it took the loop current at
creation, which asyncio.run then did not use - not testable here, no 3.9).  But
the wake-up is late: the handler prints at 0.5 s, yet "woke up" appears only
when the loop's select() would have returned anyway (the 2 s timeout).  A
signal.signal handler runs between bytecodes; it does not wake the loop's
selector, so the waiter's callback sits in the ready queue until then.  07c fixes
that with call_soon_threadsafe.  Exit code 0.
"""
import asyncio
import signal

PLAN = ["INT@0.5"]
stop_event = asyncio.Event()


class FakeSession:
    async def __aenter__(self):
        print("session: opened", flush=True)
        return self

    async def __aexit__(self, *exc):
        await asyncio.sleep(0.05)
        print("session: cleanup done (connections closed)", flush=True)


async def run():
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
    stop_event.set()


signal.signal(signal.SIGINT, on_sigint)
asyncio.run(run())
