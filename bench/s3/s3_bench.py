"""S3 PUT/GET benchmark: UniStudio and moto_server side by side in one run, plus the disk's raw
sequential write speed (dd oflag=direct) as the ceiling for large PUTs.

Small objects (4 KiB, 16 concurrent keep-alive clients): wrk replays pre-signed requests, one
distinct key per request, so the client costs next to nothing; reports requests/s and p50/p99
latency. Large objects (64 MiB): sequential signed PUTs (UNSIGNED-PAYLOAD, from a file) and
GETs (to /dev/null) sent by curl, so the client is not the bottleneck; reports MiB/s and
p50/p99. Memory: the server's peak RSS (VmHWM) after the 4 KiB runs, after the 64 MiB runs
and, for UniStudio, after one more object of --rss-probe-mib (RSS must not grow with object
size). The machine's load average is printed too: on a shared machine it explains much of the
spread between runs. Prints a Markdown table.

usage: python3 bench/s3/s3_bench.py path/to/unistudio [--seconds 10] [--large-count 6]
                                     [--rss-probe-mib 256]
"""
import argparse
import datetime
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import botocore.auth
import botocore.awsrequest
import botocore.credentials

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ports import free_port, wait_port  # noqa: E402

KEY = "AKIABENCHS3ROOTKEY00"
SECRET = "bench/s3/secret/key/0123456789abcdefghij"
MIB = 1024 * 1024


def cpu_seconds(pid):
    """User + system CPU time of every thread of `pid`."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid, field="VmRSS"):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def sign(endpoint, method, path, headers=None, payload_hash="UNSIGNED-PAYLOAD"):
    req = botocore.awsrequest.AWSRequest(method=method, url=endpoint + path,
                                         headers=dict(headers or {}))
    auth = botocore.auth.S3SigV4Auth(botocore.credentials.Credentials(KEY, SECRET), "s3",
                                     "us-east-1")
    auth.payload = lambda request: payload_hash  # the body is streamed, not hashed
    auth.add_auth(req)
    return {k: v for k, v in req.headers.items()}


def lua_requests(endpoint, method, keys, body_size):
    """A wrk script cycling through one signed request per key."""
    lines = ["local reqs = {}"]
    body = "x" * body_size
    for i, key in enumerate(keys):
        hdrs = sign(endpoint, method, key,
                    {"Content-Length": str(body_size)} if method == "PUT" else None)
        hdrs.pop("Content-Length", None)  # wrk.format adds it for the body
        hdrs["Host"] = endpoint[len("http://"):]
        hdr_lua = ", ".join('["%s"] = "%s"' % (k, v.replace('"', '\\"')) for k, v in hdrs.items())
        lines.append('reqs[%d] = wrk.format("%s", "%s", {%s}%s)' % (
            i + 1, method, key, hdr_lua, ", body" if method == "PUT" else ""))
    lines.insert(0, 'local body = string.rep("x", %d)' % body_size)
    lines.append("local i = 0")
    lines.append("request = function() i = i + 1; return reqs[(i - 1) %% %d + 1] end" % len(keys))
    return "\n".join(lines) + "\n"


def run_wrk(endpoint, script, seconds, connections=16):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
        name = f.name
    try:
        out = subprocess.run(["wrk", "-t2", "-c%d" % connections, "-d%ds" % seconds, "--latency",
                              "-s", name, endpoint], capture_output=True, text=True,
                             check=True).stdout
    finally:
        os.unlink(name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)" % p, out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": pct(50), "p99": pct(99),
            "errors": int(errors.group(1)) if errors else 0}


def small_objects(endpoint, bucket, seconds, pid):
    keys = ["/%s/small/%06d" % (bucket, i) for i in range(8000)]
    out = []
    for method, script_keys, size in [("PUT", keys, 4096), ("GET", keys[:500], 0)]:
        script = lua_requests(endpoint, method, script_keys, size)
        cpu, start = cpu_seconds(pid), time.time()
        r = run_wrk(endpoint, script, seconds)
        r["cpu_us"] = (cpu_seconds(pid) - cpu) * 1e6 / (r["rps"] * (time.time() - start))
        out.append(r)
    return out


def curl(endpoint, method, key, upload=None, expect_bytes=None):
    """One signed request by curl (the answer's body goes to /dev/null); returns its total time
    in seconds."""
    size = os.path.getsize(upload) if upload else None
    hdrs = sign(endpoint, method, key, {"Content-Length": str(size)} if upload else None)
    args = ["curl", "-sS", "-X", method, "-o", os.devnull, "-w",
            "%{http_code} %{time_total} %{size_download}", "-H", "Expect:"]
    for k, v in hdrs.items():
        if k.lower() != "content-length":
            args += ["-H", "%s: %s" % (k, v)]
    if upload:
        args += ["-T", upload]
    out = subprocess.run(args + [endpoint + key], capture_output=True, text=True,
                         check=True).stdout.split()
    if out[0] != "200":
        raise RuntimeError("%s %s: HTTP %s" % (method, key, out[0]))
    if expect_bytes is not None and int(out[2]) != expect_bytes:
        raise RuntimeError("%s %s: %s bytes, not %d" % (method, key, out[2], expect_bytes))
    return float(out[1])


def large_objects(endpoint, bucket, count, path, mib, pid):
    puts, gets = [], []
    cpu = cpu_seconds(pid)
    for i in range(count):
        puts.append(curl(endpoint, "PUT", "/%s/large/%d" % (bucket, i), upload=path))
    put_cpu_ms = (cpu_seconds(pid) - cpu) * 1000 / count
    for i in range(count):
        gets.append(curl(endpoint, "GET", "/%s/large/%d" % (bucket, i), expect_bytes=mib * MIB))

    def summary(times):
        times = sorted(times)
        return {"mibps": mib * len(times) / sum(times), "p50": statistics.median(times) * 1000,
                "p99": times[min(len(times) - 1, int(len(times) * 0.99))] * 1000}
    return dict(summary(puts), cpu_ms=put_cpu_ms), summary(gets)


def random_file(path, mib):
    with open(path, "wb") as f:
        for _ in range(mib):
            f.write(os.urandom(MIB))


def create_bucket(endpoint, bucket):
    curl(endpoint, "PUT", "/" + bucket)


def dsync_latency_ms(directory, count=300):
    """The mean time of one durable 4 KiB write (dd oflag=dsync): what every acknowledged small
    PUT waits for at least once."""
    target = os.path.join(directory, "dsync.bin")
    out = subprocess.run(["dd", "if=/dev/zero", "of=" + target, "bs=4k", "count=%d" % count,
                          "oflag=dsync"], capture_output=True, text=True)
    os.unlink(target)
    m = re.search(r"copied, ([\d.]+) s", out.stderr)
    return float(m.group(1)) * 1000 / count


def dd_speed(directory):
    target = os.path.join(directory, "dd.bin")
    out = subprocess.run(["dd", "if=/dev/zero", "of=" + target, "bs=64M", "count=8",
                          "oflag=direct"], capture_output=True, text=True)
    os.unlink(target)
    m = re.search(r"(\d+) bytes .* copied, ([\d.]+) s", out.stderr)
    return int(m.group(1)) / float(m.group(2)) / MIB


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--large-count", type=int, default=6)
    ap.add_argument("--rss-probe-mib", type=int, default=256)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="s3bench-", dir=os.environ.get("BENCH_DIR", "/var/tmp"))
    big = os.path.join(work, "64mib.bin")
    random_file(big, 64)
    probe = os.path.join(work, "probe.bin")
    random_file(probe, args.rss_probe_mib)
    load_before = os.getloadavg()
    results = {}
    procs = []
    try:
        port = free_port()
        env = dict(os.environ, UNISTUDIO_ROOT_ACCESS_KEY_ID=KEY,
                   UNISTUDIO_ROOT_SECRET_ACCESS_KEY=SECRET)
        uni = subprocess.Popen([args.binary, "serve", "--listen", "127.0.0.1:%d" % port,
                                "--data-dir", os.path.join(work, "data")],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(uni)
        moto_port = free_port()
        moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-p", str(moto_port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(moto)
        wait_port(port, uni)
        wait_port(moto_port, moto)
        for name, proc, endpoint in [("UniStudio", uni, "http://127.0.0.1:%d" % port),
                                     ("moto_server", moto, "http://127.0.0.1:%d" % moto_port)]:
            create_bucket(endpoint, "bench")
            put, get = small_objects(endpoint, "bench", args.seconds, proc.pid)
            hwm_small = rss_kib(proc.pid, "VmHWM")
            lput, lget = large_objects(endpoint, "bench", args.large_count, big, 64, proc.pid)
            r = {"put": put, "get": get, "lput": lput, "lget": lget, "hwm_small": hwm_small,
                 "hwm_large": rss_kib(proc.pid, "VmHWM")}
            if proc is uni:
                curl(endpoint, "PUT", "/bench/probe", upload=probe)
                curl(endpoint, "GET", "/bench/probe", expect_bytes=args.rss_probe_mib * MIB)
                r["hwm_probe"] = rss_kib(proc.pid, "VmHWM")
            results[name] = r
        disk = dd_speed(work)
        dsync = dsync_latency_ms(work)
        load_after = os.getloadavg()
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)

    u, m = results["UniStudio"], results["moto_server"]
    print("date: %s, %d cores, load average %.1f before / %.1f after, "
          "`python3 bench/s3/s3_bench.py %s --seconds %d --large-count %d --rss-probe-mib %d`\n"
          % (datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%MZ"),
             os.cpu_count(), load_before[0], load_after[0], args.binary, args.seconds,
             args.large_count, args.rss_probe_mib))
    print("| measure | UniStudio | moto_server | ratio |")
    print("|---|---|---|---|")
    for label, key in [("4 KiB PUT, 16 clients", "put"), ("4 KiB GET, 16 clients", "get")]:
        print("| %s: req/s | %.0f | %.0f | %.1fx |" % (label, u[key]["rps"], m[key]["rps"],
                                                    u[key]["rps"] / max(m[key]["rps"], 1e-9)))
        print("| %s: p50 / p99 ms | %.2f / %.2f | %.2f / %.2f | |" % (
            label, u[key]["p50"], u[key]["p99"], m[key]["p50"], m[key]["p99"]))
        print("| %s: non-2xx | %d | %d | |" % (label, u[key]["errors"], m[key]["errors"]))
        print("| %s: server CPU per request, us | %.0f | %.0f | |" % (
            label, u[key]["cpu_us"], m[key]["cpu_us"]))
    for label, key in [("64 MiB PUT", "lput"), ("64 MiB GET", "lget")]:
        print("| %s: MiB/s | %.0f | %.0f | %.1fx |" % (label, u[key]["mibps"], m[key]["mibps"],
                                                     u[key]["mibps"] / max(m[key]["mibps"], 1e-9)))
        print("| %s: p50 / p99 ms | %.0f / %.0f | %.0f / %.0f | |" % (
            label, u[key]["p50"], u[key]["p99"], m[key]["p50"], m[key]["p99"]))
        if key == "lput":
            print("| 64 MiB PUT: server CPU per object, ms | %.0f | %.0f | |" % (
                u[key]["cpu_ms"], m[key]["cpu_ms"]))
    print("| peak RSS after the 4 KiB runs / the 64 MiB runs, MiB | %.0f / %.0f | %.0f / %.0f | |"
          % (u["hwm_small"] / 1024, u["hwm_large"] / 1024, m["hwm_small"] / 1024,
             m["hwm_large"] / 1024))
    print("| peak RSS after one %d MiB PUT and GET, MiB | %.0f | | |" % (
        args.rss_probe_mib, u["hwm_probe"] / 1024))
    print("| raw disk sequential write (dd bs=64M oflag=direct), MiB/s | %.0f | | |" % disk)
    print("| 64 MiB PUT as a share of raw disk | %.0f%% | %.0f%% | |" % (
        100 * u["lput"]["mibps"] / disk, 100 * m["lput"]["mibps"] / disk))
    print("| durable 4 KiB write (dd bs=4k oflag=dsync), ms; 16 clients / that = PUT ceiling | "
          "%.2f; %.0f req/s | | |" % (dsync, 16 / (dsync / 1000)))


if __name__ == "__main__":
    main()
