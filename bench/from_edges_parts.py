"""Where `Graph.from_edges`'s time goes on a (10,000,000, 2) int64 array among 1,000,000
people: the whole call, the compiled call it makes (the array read into u32 columns, then the
engine's `GraphBuilder::build`), the build alone (u32 columns given) and the reading alone.
Wall and CPU time (all the process's threads) are medians of REPS calls (default 3); "drop" is
the time to free the graph. Not a test.

    target/python-venv/bin/python bench/from_edges_parts.py [REPS]
"""

import statistics
import sys
import time

import numpy as np

import followership as fs
from followership import _native

m = 10_000_000
reps = int(sys.argv[1]) if len(sys.argv) > 1 else 3
arr = np.random.default_rng(1).integers(0, m // 10, size=(m, 2), dtype=np.int64)
s32 = np.ascontiguousarray(arr[:, 0], dtype=np.uint32)
t32 = np.ascontiguousarray(arr[:, 1], dtype=np.uint32)
n = int(arr.max()) + 1



def clock(f):
    """Median wall and CPU time of ``reps`` calls of ``f``, and the time the last result took to
    free."""
    w, c = [], []
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        g = f()
        w.append(time.perf_counter() - t0); c.append(time.process_time() - c0)
        t0 = time.perf_counter(); del g; d = time.perf_counter() - t0
    return statistics.median(w), statistics.median(c), d


for name, f in [
    ("Graph.from_edges (whole call)", lambda: fs.Graph.from_edges(arr)),
    ("_native.Graph.from_id_array (split + build)", lambda: _native.Graph.from_id_array(arr, None, None, False, None, None)),
    ("_native.Graph.from_arrays (u32 columns given: build)", lambda: _native.Graph.from_arrays(n, s32, t32, None, False, None, None, None)),
]:
    wall, cpu, drop = clock(f)
    print(f"{name:55s} wall {wall:.3f} s  cpu {cpu:.3f} s  drop {drop:.3f} s")

# The split alone: the whole array read into u32 columns, then refused (nodes=1 is too few
# people for its ids) before the build.
def split_only():
    try:
        _native.Graph.from_id_array(arr, 1, None, False, None, None)
    except fs.NetworkError:
        return None
    raise AssertionError("nodes=1 should have been refused")



wall, cpu, _ = clock(split_only)
print(f"{'split alone (ids read into u32 columns, then refused)':55s} wall {wall:.3f} s  cpu {cpu:.3f} s")
