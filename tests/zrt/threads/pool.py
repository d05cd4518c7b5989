# pool.py - Python's concurrent.futures.ThreadPoolExecutor for
# tests/zrt/threads.sh: 4 worker threads, map (results in order), submit
# and as_completed (a sum, whatever the order), a lock-protected counter,
# an exception raised in a worker. The output does not depend on the
# interleaving, so it is compared with python3.11 natively.
import concurrent.futures
import hashlib
import threading

lock = threading.Lock()
calls = 0


def work(n):
    global calls
    h = hashlib.sha256()
    for i in range(n * 300):
        h.update(str(i).encode())
    with lock:
        calls += 1
    return n, h.hexdigest()[:16]


def fail(n):
    raise ValueError("worker %d failed" % n)


with concurrent.futures.ThreadPoolExecutor(max_workers=4) as ex:
    for n, digest in ex.map(work, range(1, 13)):
        print("map:", n, digest)
    futures = [ex.submit(pow, 3, k) for k in range(60)]
    total = sum(f.result() for f in concurrent.futures.as_completed(futures))
    print("as_completed: sum of 3**k for k < 60 =", total, total == (3**60 - 1) // 2)
    bad = ex.submit(fail, 7)
    try:
        bad.result()
    except ValueError as e:
        print("exception:", e)
    waited = concurrent.futures.wait([ex.submit(work, 5) for _ in range(8)])
    print("wait:", len(waited.done), "done,", len(waited.not_done), "not done")
print("calls under the lock:", calls)
print("threads left:", threading.active_count())
