"""The benchmark: the real server (`python run.py`) against a fake LLM, in figures. It
reports; it never passes or fails (and pytest does not collect it).

    python -m tests.bench                      # every section, about 10 minutes
    python -m tests.bench --only issue,slow    # sections: issue slow workers growth runs eventlog nodes
    python -m tests.bench --quick              # smaller loads, about 3 minutes
    python -m tests.bench --profile /tmp/prof  # + py-spy profiles of the issue's S2 and S3
    python -m tests.bench --compare            # the harness's side-by-side run, with ratios

It drives an external side-by-side harness, not part of this repository, by path: set
JEWELSTREAM_BENCH_DIR to its folder (docs/performance.md says what it holds). Used from it:
its fake OpenAI-compatible LLM (`upstream.py`, exact timing, `--vary` so that concurrent
answers differ), its load generator (`loadgen.py`, a correct incremental SSE parser) and,
for --compare, its `compare.py`.
The server runs in openai mode against that fake; the load generator sends one user id
without cookies, so the per-browser binding and the per-user rate limit are off here.

Sections:
- issue: the issue's scenarios (those of compare.py) on the consultation and the
  orchestrator endpoints: S1 latency (TTFT 200 ms, 300 tokens at 50/s, 5 in a row),
  S2 overhead (500 tokens as fast as possible, 30 in a row), S3 concurrency (200 streams
  at once, 200 tokens at 20/s).
- slow: 1,000 streams at once from an LLM that waits 2 s, then writes 2 tokens a second.
- workers: S3 and a saturating load with `run.py --workers 1` and `--workers 2`.
- growth: 1 to 1,000 streams at once, answers of 100 and 2,000 tokens as fast as the LLM
  can, to show how the cost grows with the work.
- runs: S2 and S3 with the event log of resumable answers on and off.
- eventlog: the event log of runs alone, in this process: 200 runs of 200 events at once
  into SQLite, PostgreSQL and Redis Streams, and one follower per run reading them back;
  CPU of this process per run (what a node pays for the log, the server's other work aside).
- nodes: S3 through nginx (docs/deploy/nginx.conf) to one node on SQLite, one node on
  PostgreSQL + Redis, and two nodes on PostgreSQL + Redis (Debian's servers, started on
  loopback as the tests start them, tests/services.py); CPU is that of all the nodes.

Figures: TTFT = request -> first token event (client side); gap = between token events;
CPU and RSS are the server's own processes (its process group), sampled every 0.1 s; "text
ok" counts streams whose token text equals a text the fake LLM produced, exactly.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from tests.live import ROOT, free_port

BENCH = Path(os.environ.get("JEWELSTREAM_BENCH_DIR", ".")).resolve()
MESSAGE = "Я ищу обручальное кольцо для помолвки, бюджет до 100000 рублей"
ENDPOINTS = {"consultation": {}, "orchestrator": {"explicit_task_type": "consultant"}}
SCENARIOS = {   # fake LLM settings, and the load: requests, at once (as in compare.py)
    "S1": ({"ttft_ms": 200, "tokens": 300, "rate": 50}, 5, 1),
    "S2": ({"ttft_ms": 0, "tokens": 500, "rate": 0}, 30, 1),
    "S3": ({"ttft_ms": 200, "tokens": 200, "rate": 20}, 200, 200),
}
PAGE, TICK = os.sysconf("SC_PAGE_SIZE"), os.sysconf("SC_CLK_TCK")


def usage(root: int) -> tuple[float, float]:
    """(RSS MiB, CPU seconds) of process `root` and all its descendants (the workers of
    `run.py --workers N` are its children, each in a process group of its own)."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    stats[int(entry)] = f.read().decode(errors="replace").rsplit(")", 1)[1].split()
            except OSError:
                continue
    family, rss, cpu = {root}, 0, 0.0
    for pid in sorted(stats):                 # children have larger pids than their parent
        fields = stats[pid]
        if pid in family or int(fields[1]) in family:
            family.add(pid)
            cpu += (int(fields[11]) + int(fields[12])) / TICK
            rss += int(fields[21]) * PAGE
    return rss / 2**20, cpu


def descendants(root: int) -> list[int]:
    children = Path(f"/proc/{root}/task/{root}/children")
    pids = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    return pids + [grandchild for pid in pids for grandchild in descendants(pid)]


class Process:
    """A command in its own process group (so its workers are measured and stopped too)."""

    def __init__(self, args: list[str], env: dict, log: Path) -> None:
        self.log = open(log, "wb")
        self.popen = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, start_new_session=True)

    def wait_http(self, url: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.popen.args} exited; see {self.log.name}")
            try:
                urllib.request.urlopen(url, timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{url} did not answer; see {self.log.name}")

    def stop(self) -> None:
        """SIGTERM (run.py passes it on to its workers), SIGKILL to the same processes if
        they are still there after 20 s."""
        for sig, grace in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
            if self.popen.poll() is not None:
                break
            family = descendants(self.popen.pid) if sig == signal.SIGKILL else []
            os.killpg(self.popen.pid, sig)          # the group this object started
            for pid in family:                      # and, as a last resort, its workers
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            try:
                self.popen.wait(grace)
            except subprocess.TimeoutExpired:
                continue
        self.log.close()


class Bench:
    def __init__(self, out: Path, profile: Path | None) -> None:
        self.out, self.profile = out, profile
        self.upstream_url = f"http://127.0.0.1:{free_port()}"
        self.upstream = Process([sys.executable, str(BENCH / "upstream.py"), "--port",
                                 self.upstream_url.rsplit(":", 1)[1], "--vary"], dict(os.environ),
                                out / "upstream.log")
        self.upstream.wait_http(self.upstream_url + "/stats")
        fake = _load_module(BENCH / "upstream.py")
        self.pieces = fake.tokenize(fake.DEFAULT_TEXT)       # what the fake LLM cycles through

    def llm(self, **config) -> None:
        _post(self.upstream_url + "/config", config)

    def server(self, workers: int = 1, **env) -> tuple[Process, str]:
        port = free_port()
        environment = {**os.environ, "OPENAI_BASE_URL": self.upstream_url + "/v1", "OPENAI_API_KEY": "bench",
                       "JEWELSTREAM_LLM": "openai", "JEWELSTREAM_BIND_USERS": "0", "JEWELSTREAM_RATE_LIMIT": "0",
                       "JEWELSTREAM_MAX_STREAMS": "5000", "JEWELSTREAM_MAX_ANSWER_TOKENS": "4000",
                       "JEWELSTREAM_MAX_ANSWER_CHARS": "100000",
                       # The growth section saturates the machine on purpose (up to 2,000,000
                       # tokens as fast as possible): it measures cost, so no timeout may cut it.
                       "JEWELSTREAM_FIRST_TOKEN_TIMEOUT": "900", "JEWELSTREAM_TOTAL_TIMEOUT": "900",
                       "JEWELSTREAM_CONNECT_TIMEOUT": "60",
                       "JEWELSTREAM_DB": str(self.out / f"bench-{port}.db"), **env}
        server = Process([sys.executable, "run.py", "--port", str(port), "--workers", str(workers)],
                         environment, self.out / f"server-{port}.log")
        url = f"http://127.0.0.1:{port}"
        server.wait_http(url + "/health")
        self.load(server, url, "consultation", 1, 1, llm={"ttft_ms": 0, "tokens": 20, "rate": 0})  # warm-up
        return server, url

    def load(self, server: Process | list[Process], url: str, endpoint: str, requests: int, at_once: int, *,
             llm: dict, timeout: float = 120, profile: str | None = None) -> dict:
        """One loadgen run; its summary plus the server's CPU, RSS and the exact-text count
        (CPU and RSS summed over the servers, when several serve the load)."""
        servers = server if isinstance(server, list) else [server]
        server = _Several(servers) if len(servers) > 1 else servers[0]
        self.llm(**llm)
        _post(self.upstream_url + "/stats/reset", {})
        details = self.out / f"details-{time.monotonic_ns()}.jsonl"
        body = {"message": MESSAGE, "conversation_history": [], **ENDPOINTS[endpoint]}
        rss0, cpu0 = server.usage() if isinstance(server, _Several) else usage(server.popen.pid)
        peak, stop = [rss0], threading.Event()

        def sample() -> None:
            while not stop.wait(0.1):
                now = server.usage() if isinstance(server, _Several) else usage(server.popen.pid)
                peak[0] = max(peak[0], now[0])
        sampler = threading.Thread(target=sample)
        sampler.start()
        spy = (_py_spy(server.popen.pid, self.profile / f"{profile}.speedscope")
               if profile and self.profile and not isinstance(server, _Several) else None)
        run = subprocess.run([sys.executable, str(BENCH / "loadgen.py"), f"{url}/api/{endpoint}/bench_user/stream",
                              "--body", json.dumps(body, ensure_ascii=False), "-n", str(requests),
                              "-c", str(at_once), "--timeout", str(timeout), "--deadline", str(timeout + 60),
                              "--details", str(details), "--compact"], capture_output=True, text=True)
        time.sleep(0.3)                     # let the server finish its logs and closes
        stop.set()
        sampler.join()
        if spy:
            spy.send_signal(signal.SIGINT)
            spy.wait(30)
        if run.returncode != 0:
            raise RuntimeError(f"loadgen failed: {run.stderr[-800:]}")
        summary = json.loads(run.stdout)
        summary["cpu_s"] = (server.usage() if isinstance(server, _Several) else usage(server.popen.pid))[1] - cpu0
        summary["rss_start_mib"], summary["rss_peak_mib"] = rss0, peak[0]
        summary["text_ok"] = self.exact_texts(details, llm["tokens"])
        details.unlink()
        return summary

    def exact_texts(self, details: Path, tokens: int) -> int:
        """Streams whose text is one the fake LLM can produce (it starts each answer 7 pieces
        further into its text, so concurrent answers differ and crossed streams would show)."""
        n = len(self.pieces)
        valid = {"".join(self.pieces[(start + i) % n] for i in range(tokens)) for start in range(n)}
        with open(details, encoding="utf-8") as lines:
            return sum(1 for line in lines if (r := json.loads(line))["done"] and r["text"] in valid)

    def close(self) -> None:
        self.upstream.stop()


# -- the sections ------------------------------------------------------------------------

def issue(bench: Bench, quick: bool) -> list[dict]:
    rows = []
    for endpoint in ENDPOINTS:
        server, url = bench.server()
        try:
            for name, (llm, requests, at_once) in SCENARIOS.items():
                if quick:
                    requests, at_once = max(2, requests // 4), max(1, at_once // 4)
                profile = f"{endpoint}-{name}" if name != "S1" and endpoint == "consultation" else None
                s = bench.load(server, url, endpoint, requests, at_once, llm=llm, profile=profile)
                rows.append({"endpoint": endpoint, "scenario": name, **_figures(s, llm, requests)})
        finally:
            server.stop()
    return rows


def slow(bench: Bench, quick: bool) -> list[dict]:
    streams = 250 if quick else 1000
    llm = {"ttft_ms": 2000, "tokens": 20, "rate": 2}        # 2 s to the first token, then 10 s
    server, url = bench.server()
    try:
        s = bench.load(server, url, "consultation", streams, streams, llm=llm)
    finally:
        server.stop()
    row = {"streams": streams, **_figures(s, llm, streams)}
    row["KiB per open stream"] = round((s["rss_peak_mib"] - s["rss_start_mib"]) * 1024 / streams)
    return [row]


def workers(bench: Bench, quick: bool) -> list[dict]:
    loads = {"S3: 200 streams, 20 tokens/s": (SCENARIOS["S3"][0], 200, 200),
             "saturated: 40 streams, 500 tokens at once": ({"ttft_ms": 0, "tokens": 500, "rate": 0}, 200, 40)}
    rows = []
    for count in (1, 2):
        server, url = bench.server(workers=count)
        try:
            for name, (llm, requests, at_once) in loads.items():
                if quick:
                    requests, at_once = requests // 4, at_once // 4
                s = bench.load(server, url, "consultation", requests, at_once, llm=llm)
                rows.append({"workers": count, "load": name, **_figures(s, llm, requests),
                             "tokens/s (all streams)": round(s.get("aggregate_tokens_per_s") or 0)})
        finally:
            server.stop()
    return rows


def growth(bench: Bench, quick: bool) -> list[dict]:
    rows = []
    for tokens in (100, 2000):
        for streams in (1, 10, 100, 500, 1000):
            if quick and streams * tokens > 100 * 1000:
                continue
            llm = {"ttft_ms": 0, "tokens": tokens, "rate": 0}
            # Small loads run several rounds, so that CPU time (counted in 10 ms ticks)
            # covers at least 20,000 tokens; memory and latency are those of `streams`.
            requests = streams * max(1, 20_000 // (streams * tokens))
            server, url = bench.server()       # a fresh process: its memory is this load's
            try:
                s = bench.load(server, url, "consultation", requests, streams, llm=llm, timeout=900)
            finally:
                server.stop()
            row = {"tokens": tokens, "streams": streams, "requests": requests, **_figures(s, llm, requests)}
            row["CPU us/token"] = round(1e6 * s["cpu_s"] / (requests * tokens), 1)
            row["wall s"] = round(s["wall_s"], 1)
            rows.append(row)
    return rows


def runs(bench: Bench, quick: bool) -> list[dict]:
    """S2 and S3 with the event log of runs on and off (JEWELSTREAM_RUN_LOG), the two
    servers side by side and the loads alternated, so that drift of the machine hits both."""
    servers = {flag: bench.server(JEWELSTREAM_RUN_LOG=flag) for flag in ("1", "0")}
    rows = []
    try:
        for name in ("S2", "S3"):
            llm, requests, at_once = SCENARIOS[name]
            if quick:
                requests, at_once = max(2, requests // 4), max(1, at_once // 4)
            for flag, (server, url) in servers.items():
                s = bench.load(server, url, "consultation", requests, at_once, llm=llm)
                rows.append({"scenario": name, "event log": "on" if flag == "1" else "off",
                             **_figures(s, llm, requests)})
    finally:
        for server, _ in servers.values():
            server.stop()
    return rows


def nodes(bench: Bench, quick: bool) -> list[dict]:
    """S3 through nginx: one node on SQLite; one, then two nodes on PostgreSQL + Redis."""
    from tests import services
    llm, requests, at_once = SCENARIOS["S3"]
    if quick:
        requests, at_once = requests // 4, at_once // 4
    postgres, redis = services.Postgres().start(), services.Redis().start()
    shared = {"JEWELSTREAM_DATABASE_URL": services.new_database(postgres), "JEWELSTREAM_DATABASE_POOL": "10",
              "JEWELSTREAM_REDIS_URL": redis.url(), "JEWELSTREAM_TRUSTED_PROXIES": "127.0.0.1"}
    rows = []
    try:
        for name, count, env in (("1 node, SQLite (file, event log in it)", 1, {}),
                                 ("1 node, PostgreSQL + Redis Streams", 1, shared),
                                 ("2 nodes, PostgreSQL + Redis Streams", 2, shared)):
            started = [bench.server(**env) for _ in range(count)]
            proxy = services.Nginx([int(url.rsplit(":", 1)[1]) for _, url in started]).start()
            try:
                s = bench.load([server for server, _ in started], proxy.url, "consultation",
                               requests, at_once, llm=llm)
                rows.append({"deployment": name, **_figures(s, llm, requests)})
            finally:
                proxy.stop()
                for server, _ in started:
                    server.stop()
    finally:
        postgres.stop()
        redis.stop()
    return rows


def eventlog(bench: Bench | None, quick: bool) -> list[dict]:
    """The event log's own CPU per run (process_time of this process), per backend."""
    import asyncio
    from tests import services
    runs_count, events = (50, 200) if quick else (200, 200)
    postgres, redis = services.Postgres().start(), services.Redis().start()
    folder = Path(tempfile.mkdtemp(prefix="jewelstream-eventlog-"))
    try:
        return [asyncio.run(_eventlog_round(name, postgres, redis, folder, runs_count, events))
                for name in ("none", "SQLite", "PostgreSQL", "Redis Streams")]
    finally:
        postgres.stop()
        redis.stop()


async def _eventlog_round(name: str, postgres, redis, folder: Path, runs_count: int, events: int) -> dict:
    import asyncio
    from jewelstream.runs.log import RunRecord
    store = None
    if name == "none":                         # the loop's own cost, to subtract
        log = _NoLog()
    elif name == "SQLite":
        from jewelstream.runs.sqlite_log import SqliteRunLog
        from jewelstream.store.migrations import connect
        connect(str(folder / "log.db")).close()
        log = SqliteRunLog(str(folder / "log.db"))
    elif name == "PostgreSQL":
        from jewelstream.runs.postgres_log import PostgresRunLog
        from jewelstream.store.postgres import PostgresStore
        from tests import services
        store = await PostgresStore.open(services.new_database(postgres), pool_size=10)
        log = PostgresRunLog(store.pool)
    else:
        from jewelstream.runs.redis_log import RedisRunLog
        log = RedisRunLog(redis.url(), prefix=f"bench{time.monotonic_ns()}:")
    await log.open()
    data = json.dumps({"type": "token", "content": "слово ", "agent": "consultant"}, ensure_ascii=False)

    async def one_run(n: int) -> int:
        run_id, now = f"run-{n}", time.time()
        log.create(RunRecord(run_id, f"user-{n}", None, None, None, os.getpid(), now, lease=now))
        for event_id in range(1, events + 1):
            log.append(run_id, event_id, data)
            await asyncio.sleep(0.001)         # tokens arrive over time, as from an LLM
        log.finish(run_id, "done", events, time.time())
        await log.flushed()
        _, read = await log.read_after(run_id, 0)
        return len(read)

    started_cpu, started = time.process_time(), time.monotonic()
    counts = await asyncio.gather(*(one_run(n) for n in range(runs_count)))
    cpu, wall = time.process_time() - started_cpu, time.monotonic() - started
    await log.close()
    if store is not None:
        await store.close()
    return {"event log": name, "runs": runs_count, "events each": events,
            "all read back": all(count == events for count in counts),
            "CPU ms/run": round(1000 * cpu / runs_count, 2), "CPU us/event": round(1e6 * cpu / (runs_count * events), 1),
            "wall s": round(wall, 1)}


class _NoLog:
    """No event log: what the measuring loop costs by itself."""

    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def flushed(self) -> None: ...
    def create(self, record) -> None: ...
    def finish(self, *args) -> None: ...

    def append(self, run_id: str, event_id: int, data: str) -> None:
        self.last = event_id

    async def read_after(self, run_id: str, after: int):
        return None, [None] * self.last


class _Several:
    """The servers of one load, their CPU and RSS summed."""

    def __init__(self, servers: list[Process]) -> None:
        self.servers = servers

    def usage(self) -> tuple[float, float]:
        figures = [usage(server.popen.pid) for server in self.servers]
        return sum(rss for rss, _ in figures), sum(cpu for _, cpu in figures)


SECTIONS = {"issue": issue, "slow": slow, "workers": workers, "growth": growth, "runs": runs,
            "eventlog": eventlog, "nodes": nodes}


# -- helpers -----------------------------------------------------------------------------

def _figures(s: dict, llm: dict, requests: int) -> dict:
    def p(key: str, q: str) -> float | None:
        value = (s.get(key) or {}).get(q)
        return None if value is None else round(value, 1)
    done = s.get("requests_done") or requests
    return {"TTFT p50 ms": p("ttft_ms", "p50"), "TTFT p99 ms": p("ttft_ms", "p99"),
            "gap p99 ms": p("gap_ms", "p99"), "total p50 s": round((p("total_ms", "p50") or 0) / 1000, 2),
            "tok/s per stream": p("e2e_tokens_per_s_stream", "p50"), "errors": s["errors"],
            "done": f"{s['completed']}/{requests}", "text ok": s["text_ok"],
            "CPU ms/request": round(1000 * s["cpu_s"] / done, 1), "RSS start MiB": round(s["rss_start_mib"]),
            "RSS peak MiB": round(s["rss_peak_mib"])}


def _table(rows: list[dict]) -> str:
    if not rows:
        return "(no rows)"
    keys = list(rows[0])
    cells = [keys] + [["-" if r.get(k) is None else str(r.get(k)) for k in keys] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(keys))]
    line = lambda row: "| " + " | ".join(c.rjust(w) for c, w in zip(row, widths)) + " |"
    return "\n".join([line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
                     + [line(row) for row in cells[1:]])


def _post(url: str, body: dict) -> None:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).read()


def _load_module(path: Path):
    spec = importlib.util.spec_from_file_location("bench_upstream", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _py_spy(pid: int, path: Path) -> subprocess.Popen | None:
    """py-spy recording the server (and its workers) until SIGINT, or None without py-spy."""
    try:
        return subprocess.Popen(["py-spy", "record", "--gil", "--subprocesses", "-r", "250", "-f", "speedscope",
                                 "-o", str(path), "-p", str(pid)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    except FileNotFoundError:
        return None


def compare(out: Path) -> None:
    """The harness's own side-by-side run (raw_relay, langchain_relay and this server)."""
    target = f"project=cd {ROOT} && exec {sys.executable} run.py --port {{port}}"
    env = ["JEWELSTREAM_LLM=openai", "JEWELSTREAM_BIND_USERS=0", "JEWELSTREAM_RATE_LIMIT=0",
           "JEWELSTREAM_MAX_STREAMS=5000", f"JEWELSTREAM_DB={out}/compare.db"]
    for endpoint in ENDPOINTS:
        subprocess.run([sys.executable, str(BENCH / "compare.py"), "--targets", "raw_relay,langchain_relay",
                        "--target", target, "--endpoint", endpoint, "--out", str(out / f"compare-{endpoint}")]
                       + [arg for kv in env for arg in ("--env", kv)], check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma list of: " + " ".join(SECTIONS))
    parser.add_argument("--quick", action="store_true", help="smaller loads")
    parser.add_argument("--profile", type=Path, help="write py-spy profiles (speedscope) of S2 and S3 here")
    parser.add_argument("--compare", action="store_true", help="run the harness's compare.py instead")
    parser.add_argument("--out", type=Path, help="folder for logs and results.json (default: a temp folder)")
    args = parser.parse_args()
    if not all((BENCH / name).is_file() for name in ("upstream.py", "loadgen.py", "compare.py")):
        parser.error(f"no harness in {BENCH}: set JEWELSTREAM_BENCH_DIR to the side-by-side harness's "
                     "folder (docs/performance.md)")
    out = args.out or Path(tempfile.mkdtemp(prefix="jewelstream-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    load_avg = os.getloadavg()[0]
    print(f"# jewelstream bench: {os.cpu_count()} cores, load average {load_avg:.2f}, "
          f"Python {sys.version.split()[0]}; logs in {out}", flush=True)
    if args.compare:
        compare(out)
        return
    bench = Bench(out, args.profile) if args.only != "eventlog" else None
    results = {}
    try:
        for name in args.only.split(","):
            started = time.monotonic()
            results[name] = SECTIONS[name](bench, args.quick)
            print(f"\n## {name} ({time.monotonic() - started:.0f} s)\n\n{_table(results[name])}", flush=True)
    finally:
        if bench is not None:
            bench.close()
        (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}; results.json in {out}")


if __name__ == "__main__":
    main()
