"""An unfinished async generator held only by main's local variable: versions differ.

Pattern: as 13a, but the generator is referenced only by a local variable of
main.  When main returns, the generator is freed; the loop's finalizer hook
schedules `aclose()` as a new task - which asyncio.run's shutdown then finds
among the tasks to cancel, before or just as it starts.  shutdown_asyncgens()
no longer sees the generator (the hook already took it off its list).

Source: the project's, following 13a (001_d7e435d829fba1a9.txt, ntninja's
shutdown_asyncgens note).

Interrupt plan: none: it ends by itself after about 0.5 s.

What to observe: "ticks: cleanup started" on every version, but "ticks: cleanup
done" only on 3.13; on 3.11 and 3.12 the cleanup's await ends the generator with
GeneratorExit and the rest of the finally is skipped, silently (exit code 0,
nothing on stderr).  Do not rely on the finalizer: close generators explicitly
(13d).
"""
import asyncio

PLAN = []


async def ticks():
    n = 0
    try:
        while True:
            yield n
            n += 1
            await asyncio.sleep(0.1)
    finally:
        print(f"ticks: cleanup started after {n} ticks", flush=True)
        await asyncio.sleep(0.1)  # e.g. close the cursor
        print("ticks: cleanup done", flush=True)


async def main():
    stream = ticks()
    async for n in stream:
        print(f"main: tick {n}", flush=True)
        if n == 1:
            break  # leaves the generator suspended, not closed
    await asyncio.sleep(0.3)
    print("main: returning", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
