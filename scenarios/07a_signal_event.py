"""signal.signal(SIGINT) sets an asyncio.Event; the work loop checks it and stops.

Pattern: a module-level `stop_event = asyncio.Event()` created *before*
asyncio.run; a plain signal.signal handler sets it; the main loop opens a session
(async context manager) per round and only checks the event between rounds.

Source: 001_d7e435d829fba1a9.txt, answer by mgrandi.

Changed from the source: aiohttp.ClientSession is replaced by FakeSession (an async
context manager whose __aexit__ prints "cleanup"), the HTTP request by a 0.2 s
sleep, and the per-round `asyncio.sleep(5)` by 1 s; logging by print; the loop is
limited to 3 rounds so the script also ends without Ctrl+C.

Interrupt plan: SIGINT at 0.5 s after the loop starts (during round 1).

What to observe: "signal handler: SIGINT caught" at once, but the round in
progress finishes first (the handler only sets a flag: nothing is cancelled), the
session cleanup runs, then "stop event was set" and a normal exit, code 0, no
traceback.  The module-level Event is fine on 3.10+ (it binds to a loop only when
first awaited, and here it is never awaited).  Because the handler replaces
Python's default one, asyncio.run does not install its own, and no Ctrl+C can
raise KeyboardInterrupt any more: a second Ctrl+C only sets the event again.
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


async def fetch(session, round_no):
    print(f"round {round_no}: making request", flush=True)
    await asyncio.sleep(0.2)
    print(f"round {round_no}: got data, holding the connection 1 s", flush=True)
    await asyncio.sleep(1)


async def run():
    round_no = 0
    while not stop_event.is_set() and round_no < 3:
        round_no += 1
        async with FakeSession() as session:
            await fetch(session, round_no)
    print("run: stop event was set (or 3 rounds done), letting connections close", flush=True)
    await asyncio.sleep(0.1)
    print("run: returning", flush=True)


def on_sigint(sig, frame):
    print("signal handler: SIGINT caught, setting the stop event", flush=True)
    stop_event.set()


signal.signal(signal.SIGINT, on_sigint)
asyncio.run(run())
