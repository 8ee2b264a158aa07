"""Task churn on uvloop: benchmarks/churn.py's 20,000 short tasks, on uvloop's event loop.

uvloop must be importable (e.g. PYTHONPATH=.venv/test-packages/cpython-3.12.1, where the tests
install it).
"""
import asyncio

import uvloop


async def short_job(n):
    for _ in range(3):
        await asyncio.sleep(0)
    return n


async def main():
    total = 0
    for _ in range(40):
        results = await asyncio.gather(*(short_job(i) for i in range(500)))
        total += sum(results)
    print(total)


uvloop.run(main())
