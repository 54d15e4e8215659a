"""Load run on loopback: Tessera and the bare FAB app side by side under locust (bounded time),
each served by gunicorn (2 workers × 4 threads), on the database ``bench/compare.py`` built.

    .venv/bin/python bench/load.py --url postgresql://… --seconds 30 --users 16 --clients 1000
    make bench-load BENCH_DATABASE_URL=postgresql://…

Prints requests/s, p50/p95/p99 (ms) and errors per app. Needs the ``bench`` extra (locust).
"""
import argparse
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(target, url, port):
    env = dict(os.environ, BENCH_DATABASE_URL=url, TEST_DATABASE_URL=url, TESSERA_CONFIG="test",
               DATABASE_URL=url, REDIS_URL="memory://")
    app = "run:app" if target == "tessera" else "compare:bare_wsgi()"
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    process = subprocess.Popen(
        [gunicorn, "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}", "--log-level",
         "warning", "--chdir", ROOT if target == "tessera" else HERE, app],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2)
            return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError(f"{target} did not start")


def _run(target, args, folder):
    port = _free_port()
    server = _serve(target, args.url, port)
    try:
        prefix = os.path.join(folder, target)
        env = dict(os.environ, LOAD_TARGET=target, LOAD_CLIENTS=str(args.clients))
        subprocess.run([args.locust, "-f", os.path.join(HERE, "locustfile.py"), "--headless",
                        "-u", str(args.users), "-r", str(args.users), "-t", f"{args.seconds}s",
                        "-H", f"http://127.0.0.1:{port}", "--csv", prefix, "--only-summary"],
                       env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(prefix + "_stats.csv") as handle:
            total = [row for row in csv.DictReader(handle) if row["Name"] == "Aggregated"][0]
        return total
    finally:
        server.terminate()
        server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL"), required=False)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--clients", type=int, default=1000,
                        help="clients in the database (for the API pages asked)")
    parser.add_argument("--locust", default=shutil.which("locust") or "locust")
    args = parser.parse_args()
    if not args.url:
        parser.error("--url postgresql://… (or BENCH_DATABASE_URL) is required")
    with tempfile.TemporaryDirectory(prefix="tessera-load-") as folder:
        rows = {target: _run(target, args, folder) for target in ("tessera", "bare")}
    print(f"\nlocust, {args.users} users, {args.seconds} s each, loopback, gunicorn 2 × 4 threads")
    print("| app | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for target, label in (("tessera", "Tessera"), ("bare", "bare FAB")):
        row = rows[target]
        print(f"| {label} | {row['Request Count']} | {float(row['Requests/s']):.1f} | "
              f"{row['50%']} | {row['95%']} | {row['99%']} | {row['Failure Count']} |")
    ratio = float(rows["tessera"]["Requests/s"]) / float(rows["bare"]["Requests/s"])
    print(f"Tessera / bare FAB throughput: {ratio:.2f}×")


if __name__ == "__main__":
    main()
