"""`Graph.from_edges` on a large random edge array, timed: the before/after measurement of the
parallel graph build (issue 13), not a test.

    target/python-venv/bin/python bench/from_edges.py [EDGES] [REPS]
    PYTHONPATH=/path/to/other/build target/python-venv/bin/python bench/from_edges.py   # A/B

An `(EDGES, 2)` int64 array of random ids among EDGES / 10 people (default 10,000,000 edges,
so 20M directed edges stored), built REPS times (default 3); prints the median and the minimum
of the call, and the median CPU time of the process's threads during it (which moves less with
the machine's load than wall time does). For an A/B comparison, unpack a wheel built from another commit
(`maturin build --release`) into a directory and put it first on PYTHONPATH; run the two
alternately, as the machine's load moves.
"""

import statistics
import sys
import time

import numpy as np

import followership as fs

m = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
arr = np.random.default_rng(1).integers(0, m // 10, size=(m, 2), dtype=np.int64)
times, cpu = [], []
for _ in range(reps):
    started, started_cpu = time.perf_counter(), time.process_time()
    g = fs.Graph.from_edges(arr)
    times.append(time.perf_counter() - started)
    cpu.append(time.process_time() - started_cpu)
    del g
# CPU time (all threads of the process) moves less than wall time with the machine's load.
print(f"Graph.from_edges of a ({m:,}, 2) int64 array: median {statistics.median(times):.3f} s, "
      f"min {min(times):.3f} s over {reps}; CPU median {statistics.median(cpu):.3f} s ({fs.__file__})")
