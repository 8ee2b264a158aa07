"""A small aiohttp web service that serves a number of requests, then shuts down cleanly.

Usage: python benchmarks/aiohttp_service.py PORT REQUESTS (aiohttp must be importable:
benchmarks/whole_command.py installs it into .third-party/ and puts that on PYTHONPATH).
"""
import asyncio
import sys

from aiohttp import web


async def main(port, requests):
    served = 0
    enough = asyncio.Event()

    async def work(request):
        nonlocal served
        await asyncio.sleep(0)  # e.g. a database call
        served += 1
        if served >= requests:
            enough.set()
        return web.json_response({"n": served, "path": request.path})

    app = web.Application()
    app.router.add_get("/{name}", work)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await enough.wait()
    await runner.cleanup()
    print(f"served {served} requests")


asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
