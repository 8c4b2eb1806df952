#!/usr/bin/env python3
"""The PyTorch reference of `rosetta bench --reference pytorch`.

Trains one of the SPEC.md models (cnn.py, rnn.py) for warm-up + timed steps, batch 64, on
synthetic data of the real shapes, and prints one JSON line: the bench measurement of
packages/harness/src/bench.ts (median ms per step, CPU ms per step, peak RSS; with
--profile, PyTorch's own profiler's ops). rosetta bench runs it in the same rounds as the
backends, each run in a process of its own.

Timed like the backends: a step runs from the end of the previous one to the moment its
loss is known (loss.item() waits for it), and holds the batch assembly (gather the
shuffled samples, bytes / 255), forward, backward and the update: the model file's
train_step. Besides the model file's DEVIATIONS, the bench's own are listed in the output.

Without torch it prints an `unavailable` measurement and exits 0.

  python3 reference/pytorch/bench.py --model cnn [--steps 16] [--warmup 2] [--batch-size 64] [--seed 42] [--profile]
  python3 reference/pytorch/bench.py --probe   # the BLAS and oneDNN this PyTorch loads, and its threads
  python3 reference/pytorch/bench.py --peak    # the loaded BLAS's rate on large products (torch.mm)
"""
import argparse
import json
import os
import platform
import re
import resource
import statistics
import sys
import time

# Tokens below 500, like the shared IMDB subset's.
SYNTHETIC_VOCABULARY = 500


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=["cnn", "rnn"])
    parser.add_argument("--probe", action="store_true", help="only say which BLAS and oneDNN this PyTorch loads")
    parser.add_argument("--peak", action="store_true", help="time large float32 products through the loaded BLAS (torch.mm)")
    parser.add_argument("--steps", type=int, default=16, help="timed steps")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps first")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="threads for the CNN's intra-op pool or the GRU's BLAS, the other pool one (default: one per core)")
    parser.add_argument("--profile", action="store_true", help="profile the timed steps with torch.profiler")
    args = parser.parse_args()
    if args.steps < 1 or args.warmup < 0 or args.batch_size < 1:
        parser.error("--steps and --batch-size must be positive, --warmup not negative")
    if args.model is None and not (args.probe or args.peak):
        parser.error("--model is required (unless --probe or --peak)")
    return args


def peak_rss_bytes():
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return rss if sys.platform == "darwin" else rss * 1024


def set_threads(torch, model, threads):
    """PyTorch at its best on the machine's cores: its own pool (OpenMP, which runs oneDNN's
    convolutions and the elementwise ops) or OpenBLAS's (the matrix products) gets the threads,
    the other one, so that two pools never contend for the same cores. OpenBLAS's pthreads build
    keeps a pool of its own, one thread per core, whatever torch.set_num_threads says. Measured on
    2 cores (ms per step, three runs each, README "Performance"): the CNN took 336-369 with 2
    intra-op threads and 1 BLAS thread, 382-469 with 2 and 2, 504-599 with 1 intra-op thread; the
    GRU 135-177 with 1 intra-op thread and 2 BLAS threads, 158-235 with 2 and 1, 265-405 with 2
    and 2. Without a model (--probe, --peak), the BLAS gets them."""
    intra, blas = (threads, 1) if model == "cnn" else (1, threads)
    torch.set_num_threads(intra)
    try:
        from threadpoolctl import threadpool_limits

        torch.mm(torch.ones(64, 64), torch.ones(64, 64))
        threadpool_limits(limits=blas, user_api="blas")
    except ImportError:
        pass


def short_path(path):
    """The library's folder and file name: which build it is, without the rest of this machine's paths."""
    return None if path is None else os.path.join(os.path.basename(os.path.dirname(path)), os.path.basename(path))


def blas_in_use():
    """The BLAS library this process loaded, which sets the speed of every matrix product that
    oneDNN does not do: the build's BLAS_INFO says only how PyTorch was compiled (Debian's
    python3-torch: "generic", the libblas.so.3 of Debian's alternatives, which is netlib's
    reference BLAS when nothing better is installed, OpenBLAS when libopenblas0-pthread is).
    threadpoolctl names an optimised BLAS with its kernel and threads; the reference BLAS has no
    thread pool for it to find, so the process's mapped libraries say which libblas was loaded."""
    try:
        from threadpoolctl import threadpool_info

        for info in threadpool_info():
            if info.get("user_api") == "blas":
                return {
                    "name": info["internal_api"],
                    "version": info.get("version"),
                    "kernel": info.get("architecture"),
                    "threads": info.get("num_threads"),
                    "file": short_path(info["filepath"]),
                }
    except ImportError:
        pass
    with open("/proc/self/maps", encoding="utf-8") as maps:
        loaded = {line.split()[-1] for line in maps if "libblas" in line or "libopenblas" in line or "libmkl" in line}
    for path in sorted(loaded):
        real = os.path.realpath(path)
        if "openblas" in real:
            return {"name": "openblas", "version": None, "kernel": None, "threads": None, "file": short_path(real)}
        if "mkl" in real:
            return {"name": "mkl", "version": None, "kernel": None, "threads": None, "file": short_path(real)}
        if "/blas/" in real:
            return {"name": "reference", "version": None, "kernel": None, "threads": None, "file": short_path(real)}
    return {"name": "unknown", "version": None, "kernel": None, "threads": None, "file": None}


def onednn(torch):
    """oneDNN (MKL-DNN), which runs PyTorch's convolutions on the CPU when it is built in and on."""
    found = re.search(r"MKL-DNN v([\d.]+)", torch.__config__.show())
    enabled = torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled
    return {"version": found.group(1) if found else None, "enabled": enabled}


def describe_blas(library):
    if library["name"] == "reference":
        return "netlib reference BLAS"
    details = ", ".join(str(part) for part in [library["version"], library["kernel"] and f"{library['kernel']} kernel", library["threads"] and f"{library['threads']} threads"] if part)
    return f"{library['name']}{f' ({details})' if details else ''}"


def blas_peak(torch):
    """The loaded BLAS's rate on large float32 products (torch.mm, PyTorch's threads): median of
    timed runs after one warm-up, at two sizes."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    library = describe_blas(blas_in_use())
    candidates = []
    for n, runs in ((2048, 7), (4096, 3)):
        a, b = torch.rand(n, n), torch.rand(n, n)
        torch.mm(a, b)
        seconds = []
        for _ in range(runs):
            start = time.perf_counter()
            torch.mm(a, b)
            seconds.append(time.perf_counter() - start)
        candidates.append({"what": f"torch.mm {n} x {n} x {n} through {library}", "gflops": 2 * n**3 / statistics.median(seconds) / 1e9})
    return candidates


def synthetic_data(torch, model, count, generator):
    """`count` samples of the real shapes, as the datasets store them (bytes, token ids)."""
    from common import CNN_SPEC, RNN_SPEC

    if model == "cnn":
        labels = torch.randint(0, CNN_SPEC["classes"], (count,), generator=generator)
        shape = (count, CNN_SPEC["channels"], CNN_SPEC["imageSize"], CNN_SPEC["imageSize"])
        return torch.randint(0, 256, shape, dtype=torch.uint8, generator=generator), labels
    labels = torch.randint(0, RNN_SPEC["classes"], (count,), generator=generator)
    return torch.randint(1, SYNTHETIC_VOCABULARY, (count, RNN_SPEC["sequenceLength"]), generator=generator), labels


def aggregate(events, steps, wall_ms):
    """torch.profiler's ops as the harness's KernelRow, largest first (self time: no op counted twice)."""
    rows = [
        {
            "name": e.key,
            "calls": e.count,
            "totalMs": e.self_cpu_time_total / 1000,
            "msPerStep": e.self_cpu_time_total / 1000 / steps,
            "callsPerStep": e.count / steps,
            "share": e.self_cpu_time_total / 1000 / wall_ms if wall_ms > 0 else 0,
        }
        for e in events
        if e.self_cpu_time_total > 0
    ]
    return sorted(rows, key=lambda r: (-r["totalMs"], r["name"]))


def main():
    args = arguments()
    try:
        import torch
    except ImportError as error:
        reason = f"{error} (Python {platform.python_version()} at {sys.executable})"
        print(json.dumps({"status": "unavailable", "framework": "pytorch", "model": args.model, "reason": reason}))
        return
    import importlib

    set_threads(torch, args.model, args.threads)
    if args.probe:
        print(json.dumps({"status": "ok", "kind": "probe", "torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_in_use(), "onednn": onednn(torch)}))
        return
    if args.peak:
        print(json.dumps({"status": "ok", "kind": "peak", "candidates": blas_peak(torch)}))
        return
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    model_file = importlib.import_module(args.model)
    net = model_file.build_model()
    optimizer = model_file.optimizer(net)
    net.train()
    count = (args.warmup + args.steps) * args.batch_size
    inputs, labels = synthetic_data(torch, args.model, count, generator)
    order = torch.randperm(count, generator=generator)

    def step(i):
        batch = order[i * args.batch_size:(i + 1) * args.batch_size]
        return model_file.train_step(net, optimizer, (inputs[batch], labels[batch]))

    for i in range(args.warmup):
        step(i)
    wall, cpu = [], []

    def timed_steps():
        last_wall, last_cpu = time.perf_counter(), time.process_time()
        for i in range(args.warmup, args.warmup + args.steps):
            step(i)
            now_wall, now_cpu = time.perf_counter(), time.process_time()
            wall.append((now_wall - last_wall) * 1000)
            cpu.append((now_cpu - last_cpu) * 1000)
            last_wall, last_cpu = now_wall, now_cpu

    library, dnn = blas_in_use(), onednn(torch)
    common = {
        "status": "ok",
        "framework": "pytorch",
        "model": args.model,
        "backend": (
            f"torch {torch.__version__}, CPU, {torch.get_num_threads()} intra-op thread{'s' if torch.get_num_threads() > 1 else ''}; BLAS: {describe_blas(library)}; "
            f"oneDNN {dnn['version'] or '?'} {'on' if dnn['enabled'] else 'off'}"
        ),
        "blas": library,
        "batchSize": args.batch_size,
        "stepsPerRun": 1,
        "warmupSteps": args.warmup,
        "deviations": model_file.DEVIATIONS + [
            "parameters start from PyTorch's own initialisation, not from the shared initial weights: a step's time "
            "does not depend on the values",
            "synthetic data generated in PyTorch (uniform bytes, tokens below 500), shuffled by torch.randperm, "
            "not read through the shared iterator; same shapes and the same per-batch work inside the step",
        ],
    }
    if args.profile:
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as profiler:
            timed_steps()
        result = {
            **common,
            "kind": "profile",
            "steps": args.steps,
            "stepMs": sum(wall) / args.steps,
            "kernels": aggregate(profiler.key_averages(), args.steps, sum(wall)),
        }
    else:
        timed_steps()
        result = {
            **common,
            "kind": "timing",
            "msPerStep": wall,
            "cpuMsPerStep": cpu,
            "msPerStepMedian": statistics.median(wall),
            "cpuMsPerStepMedian": statistics.median(cpu),
        }
    print(json.dumps({**result, "peakRssBytes": peak_rss_bytes()}))


if __name__ == "__main__":
    main()
