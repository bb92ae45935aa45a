"""Interleaved A/B of UniStudio binaries on the S3 PUT paths, for a shared machine where a
quiet run (bench/s3/run.sh) is not to be had: each round runs every binary once, in turn, so
they share the same background load. Per binary and round it prints the 4 KiB PUT rate with
16 wrk clients, its p50, the CPU per request of the server and of wrk, the server's context
switches per request (voluntary + involuntary, summed over its threads), and the 64 MiB PUT
rate (curl, UNSIGNED-PAYLOAD) with the server's CPU per object.

usage: python3 bench/s3/ab.py BINARY... [--rounds 3] [--seconds 6] [--large-count 6]
"""
import argparse
import os
import resource
import shutil
import subprocess
import tempfile
import time

import s3_bench as b


def serve(binary, work):
    port = b.free_port()
    env = dict(os.environ, UNISTUDIO_ROOT_ACCESS_KEY_ID=b.KEY,
               UNISTUDIO_ROOT_SECRET_ACCESS_KEY=b.SECRET)
    proc = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:%d" % port, "--data-dir",
                             os.path.join(work, "data")], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    b.wait_port(port, proc)
    endpoint = "http://127.0.0.1:%d" % port
    b.create_bucket(endpoint, "bench")
    return proc, endpoint


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def context_switches(pid):
    """Context switches of every live thread of `pid` so far."""
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                for line in f:
                    if "ctxt_switches:" in line:
                        total += int(line.split()[1])
        except FileNotFoundError:
            pass  # the thread exited
    return total


def small_puts(endpoint, pid, seconds):
    keys = ["/bench/small/%06d" % i for i in range(8000)]
    script = b.lua_requests(endpoint, "PUT", keys, 4096)
    cpu, wrk_cpu, switches = b.cpu_seconds(pid), children_cpu(), context_switches(pid)
    start = time.time()
    r = b.run_wrk(endpoint, script, seconds)
    elapsed = time.time() - start
    requests = r["rps"] * elapsed
    return ("4 KiB PUT %5.0f req/s p50 %5.2f ms, CPU/req server %3.0f us wrk %3.0f us, "
            "switches/req %.2f" % (
                r["rps"], r["p50"], (b.cpu_seconds(pid) - cpu) * 1e6 / requests,
                (children_cpu() - wrk_cpu) * 1e6 / requests,
                (context_switches(pid) - switches) / requests))


def large_puts(endpoint, pid, path, count):
    cpu = b.cpu_seconds(pid)
    times = [b.curl(endpoint, "PUT", "/bench/large/%d" % i, upload=path) for i in range(count)]
    return "64 MiB PUT %4.0f MiB/s, server CPU/object %3.0f ms" % (
        64 * count / sum(times), (b.cpu_seconds(pid) - cpu) * 1000 / count)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--large-count", type=int, default=6)
    args = parser.parse_args()
    top = tempfile.mkdtemp(prefix="s3-ab-", dir="/var/tmp")
    try:
        big = os.path.join(top, "64.bin")
        b.random_file(big, 64)
        for round_number in range(1, args.rounds + 1):
            for binary in args.binaries:
                work = tempfile.mkdtemp(dir=top)
                proc, endpoint = serve(binary, work)
                try:
                    line = "%s | %s" % (small_puts(endpoint, proc.pid, args.seconds),
                                        large_puts(endpoint, proc.pid, big, args.large_count))
                finally:
                    proc.terminate()
                    proc.wait()
                    shutil.rmtree(work)
                print("round %d %-40s %s | load %.1f" % (round_number, binary[-40:], line,
                                                         os.getloadavg()[0]), flush=True)
    finally:
        shutil.rmtree(top)


if __name__ == "__main__":
    main()
