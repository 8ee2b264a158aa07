"""Stop the other tasks when the first one completes: asyncio.wait + cancel + await.

Pattern: asyncio.wait(tasks, return_when=FIRST_COMPLETED); cancel every pending
task; then *await* them (gather with return_exceptions=True) so their cleanup runs
to the end before main goes on.

Source: the project's correct version of 003_1351bb792a58378d.txt (see 10a/10b).

Interrupt plan: none: it ends by itself after about 1.2 s.

What to observe: "mirror A: finished" first; B and C are cancelled, both print
"cleanup started" and "cleanup done" (their cleanup awaits), then "main: winner
A", exit code 0, nothing on stderr.
"""
import asyncio

PLAN = []


async def fetch(name, seconds):
    print(f"mirror {name}: started ({seconds} s)", flush=True)
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        print(f"mirror {name}: cancelled, cleanup started", flush=True)
        await asyncio.sleep(0.2)  # e.g. close the connection
        print(f"mirror {name}: cleanup done", flush=True)
        raise
    print(f"mirror {name}: finished", flush=True)
    return name


async def main():
    plan = (("A", 1), ("B", 2), ("C", 3))
    tasks = [asyncio.create_task(fetch(name, seconds)) for name, seconds in plan]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for t in pending:
        t.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    winner = done.pop().result()
    print(f"main: winner {winner}, {len(pending)} others stopped", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
