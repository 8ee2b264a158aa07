"""Tasks print and go to sleep; the program is then killed (SIGKILL: no exit handler runs), on
the loop argv[1] names: "uvloop" (uvloop.run) or "asyncio" (asyncio.run)."""
import asyncio
import sys


async def sleeper(n):
    print(f"sleeper {n}: going to sleep", flush=True)
    await asyncio.sleep(30)


async def main():
    sleepers = [asyncio.create_task(sleeper(n), name=f"sleeper-{n}") for n in range(3)]
    await asyncio.sleep(0.01)
    print("ready", flush=True)
    await asyncio.gather(*sleepers)


if sys.argv[1] == "asyncio":
    asyncio.run(main())
else:
    import uvloop

    uvloop.run(main())
