"""ChasquiMQ (a Rust engine on Redis Streams, Python binding) enqueue -> consume throughput.

One-way jobs, no reply: a reference for what a Rust engine on Redis Streams reaches on this
machine, not a request/reply peer. Run by bench/core/chasquimq.js inside its own venv.
Usage: python chasquimq_bench.py <redis url> <queue name> <jobs> <batch>
Prints one JSON line: {"jobs", "seconds", "per_second", "version"}.
"""

import asyncio
import json
import sys
import time

import chasquimq
from chasquimq import Queue, Worker


async def main(url: str, queue_name: str, jobs: int, batch: int) -> None:
    done = asyncio.Event()
    consumed = 0

    async def handler(job):
        nonlocal consumed
        consumed += 1
        if consumed >= jobs:
            done.set()
        return {"sum": job.data["a"] + job.data["b"]}

    # The library's defaults (concurrency 100, events on), a fresh queue per run.
    worker = Worker(queue_name, handler, redis_url=url)
    running = asyncio.ensure_future(worker.run())
    queue = Queue(queue_name, redis_url=url)
    # Warm-up: connections and the consumer group exist before the clock starts.
    await queue.add("warm", {"a": 0, "b": 0})
    while consumed < 1:
        await asyncio.sleep(0.01)
    consumed = 0

    start = time.perf_counter()
    for first in range(0, jobs, batch):
        await queue.add_bulk([{"name": "add", "data": {"a": i, "b": 1}} for i in range(first, min(jobs, first + batch))])
    await asyncio.wait_for(done.wait(), timeout=300)
    seconds = time.perf_counter() - start

    await worker.close()
    await asyncio.wait_for(running, timeout=30)
    await queue.close()
    print(json.dumps({"jobs": jobs, "seconds": seconds, "per_second": jobs / seconds, "version": chasquimq.version()}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
