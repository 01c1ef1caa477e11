"""HTTP load on loopback: gunicorn serving an index, concurrent clients, worker memory.

Bounded by time and by request count; the server is always stopped, on errors and on
Ctrl-C too.
"""

import http.client
import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from bench.latency import percentiles

GUNICORN = Path(sys.executable).with_name("gunicorn")
HOST = "127.0.0.1"
READY_SECONDS = 30
MAX_REQUESTS = 200_000  # a ceiling whatever the duration, so a runaway loop cannot flood


class ServerFailed(Exception):
    """gunicorn did not start or stopped answering; the message carries its log's end."""


@contextmanager
def serving(index_dir: Path, log_path: Path, workers: int = 2, threads: int = 1):
    """Run gunicorn with `workers` (sync, or gthread with `threads` > 1) on a free
    loopback port; yield (port, master pid)."""
    port = free_port()
    env = dict(os.environ, RELEASE_SEARCH_INDEX_DIR=str(Path(index_dir).resolve()))
    command = [str(GUNICORN), "-w", str(workers), "-b", f"{HOST}:{port}", "webapp:create_app()"]
    if threads > 1:
        command[1:1] = ["-k", "gthread", "--threads", str(threads)]
    with open(log_path, "wb") as log:
        # Its own session: Ctrl-C reaches only us, and the finally below stops it in order.
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_ready(server, port, log_path)
            yield port, server.pid
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def free_port() -> int:
    """A loopback port nobody listens on right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _wait_ready(server: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServerFailed(f"gunicorn exited {server.returncode} at start:\n{_tail(log_path)}")
        try:
            if get(port, "/search?q=security")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise ServerFailed(f"gunicorn did not answer 200 within {READY_SECONDS}s:\n{_tail(log_path)}")


def _tail(path: Path, lines: int = 20) -> str:
    return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])


def get(port: int, path: str) -> tuple[int, bytes]:
    """One GET on a fresh connection (gunicorn's sync workers close after each response)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def run_load(port: int, paths: list[str], *, clients: int, seconds: float, max_requests: int = MAX_REQUESTS) -> dict:
    """`clients` threads GET `paths` in turn for `seconds` or `max_requests`; throughput, latency, errors."""
    stop = threading.Event()
    numbers = itertools.count()
    latencies: list[float] = []
    errors: Counter = Counter()
    lock = threading.Lock()

    def client() -> None:
        while not stop.is_set():
            n = next(numbers)
            if n >= max_requests:
                return
            started = time.perf_counter()
            try:
                status, _ = get(port, paths[n % len(paths)])
                outcome = None if status == 200 else f"HTTP {status}"
            except (OSError, http.client.HTTPException) as exc:
                outcome = type(exc).__name__
            with lock:
                if outcome is None:
                    latencies.append((time.perf_counter() - started) * 1000)
                else:
                    errors[outcome] += 1

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + seconds
        for thread in threads:  # returns early once max_requests are done
            thread.join(max(0.0, deadline - time.monotonic()))
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    elapsed = time.perf_counter() - started
    done = len(latencies) + sum(errors.values())
    return {
        "seconds": round(elapsed, 2),
        "clients": clients,
        "requests": done,
        "requests_per_second": round(done / elapsed, 1),
        "latency_ms": percentiles(latencies) if latencies else None,
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
    }


def worker_memory(master_pid: int) -> list[dict]:
    """VmHWM (peak), VmRSS, RssAnon (private: not the index's mapped, shared pages) and
    Pss (each shared page divided among the processes mapping it) of each gunicorn
    worker, in MB, from /proc."""
    workers = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _parent(entry) == master_pid:
            status = _status(entry)
            if status:
                workers.append({"pid": int(entry.name), "hwm_mb": status["VmHWM"], "rss_mb": status["VmRSS"],
                                "private_mb": status.get("RssAnon"), "pss_mb": _pss(entry)})
    return sorted(workers, key=lambda w: w["pid"])


def _pss(proc: Path) -> float | None:
    try:
        lines = (proc / "smaps_rollup").read_text().splitlines()
    except OSError:
        return None
    found = [line.split()[1] for line in lines if line.startswith("Pss:")]
    return round(int(found[0]) / 1024, 1) if found else None


def _parent(proc: Path) -> int | None:
    try:
        stat = (proc / "stat").read_text()
    except OSError:
        return None  # the process ended while we looked
    return int(stat.rsplit(")", 1)[1].split()[1])  # the name, in parentheses, may hold spaces


def _status(proc: Path) -> dict[str, float]:
    try:
        lines = (proc / "status").read_text().splitlines()
    except OSError:
        return {}
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    return {key: round(int(fields[key].split()[0]) / 1024, 1) for key in ("VmHWM", "VmRSS", "RssAnon") if key in fields}
