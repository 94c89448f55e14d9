"""Growth: what one package costs as the catalogue grows (issue 16), on catalogues grown by publishes.

    .venv/bin/python bench/growth.py [--sizes 1000 10000] [--cache /work/growth-cache] [--fast-from 1000] [--only …]
    .venv/bin/python bench/growth.py --quick      # a smoke run: 30 packages in a temporary cache, few runs

The catalogues are grown by ``bench/grow.py`` (realistic, varied packages from ``bench/realistic.py``,
one publish per version) and kept in ``--cache`` outside the project, so measuring again does not grow
again. At each size, on a scratch data folder that holds only the grown catalogue repository:

- ``first_start``: ``hub serve --workers 1`` on it (index, clone exports and served site are built),
  seconds until ``/api/v1/health`` answers; ``cold_start``: the same again with everything present
  (median of runs), against a bare Litestar app under the same server started the same way;
- ``versions``: ``Catalog.versions`` of a random package (a catalogue opened once, and the first call
  after opening), on a data folder whose version store a hub's catch-up has brought to HEAD (not timed);
- ``store_publish``: the catalogue's part of a publish alone (``hub.store.publish.publish``: validate, commit,
  tag), in-process, median and profiled; it needs only the catalogue repository;
- ``publish``: in-process ``hub.usecases.publish`` of new versions of random packages (median), with a
  cProfile of those publishes (where the time goes, by function), and the served site brought to each
  new commit (``hub.web.site.build``, the incremental site update after one publish);
- ``api``: a real ``hub serve --workers 1``: ``POST /api/v1/packages`` of new versions of random packages
  one after another (median); then, once the served site shows the head (``site_caught_up_s``: the site child's
  first build in its new process, which reads every package), publishes per second with 1/4/8 concurrent publishers, GET of a random
  package (wrk, 16 connections) against the bare route, and read p50/p99 while 0/1/4/8 publishers write;
- ``first``: the whole first start alone, on a data folder of its own with only the grown catalogue:
  ``hub serve --workers 1`` until it answers, with the moment its served site's build began (the index is
  built then); with ``--limit`` it is stopped at that many seconds and what it had done is recorded;
- ``served_site``: the served site built beforehand, by the site builder in ``--site-processes`` processes
  (not a figure of the table: it lets ``start``, ``publish`` and ``api`` measure a hub whose first start is
  behind it without waiting for a single-process first build);
- ``open`` on a data folder taken over from a smaller size (``--grown-from N``: the folder of size ``N``, its
  catalogue replaced by this size's): the catch-up of its index and exports, as a hub does whose catalogue grew;
- ``site``: the full static site (``hub site build``'s function) into a scratch folder: seconds, files,
  bytes per package;
- ``open`` (and ``first``) with ``--limit``: stopped at that many seconds; the profile of what it did until then is kept;
- ``profile_cold``: cProfile of what a cold start does in-process (``Services.open``, the site at HEAD,
  the app of a worker with its follower's first step and warm-up).

Results: ``bench/results/growth.json`` (medians; the machine's load is recorded with each size).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import inspect
import io
import json
import os
import pstats
import random
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pygit2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common, realistic  # noqa: E402
from bench.common import WrkOutput, group_stats, machine, options, process_group_cpu, quick, write_results  # noqa: E402
from bench.grow import curve, grow  # noqa: E402
from bench.server import free_port  # noqa: E402
from tests.factory import archive  # noqa: E402

BIN = Path(sys.executable).parent
FIGURES = ("first", "served_site", "open", "start", "versions", "store_publish", "publish", "api", "site")
GOALS = {
    "publish_ms": 20,
    "versions_ms": 2,
    "cold_start_s": 1,
    "first_start_s": 30,
    "site_update_s": 1,
    "site_bytes_per_package": 60_000,
    "get_ratio": 0.5,
    "publishes_per_s_8": 40,
    "read_p99_ratio": 1.5,
}


def measured_commit() -> str:
    """The commit measured, with ``+`` when hub, bench, schemas, catalog or site had uncommitted changes."""
    return common._COMMIT[:10] + ("+" if common._UNCOMMITTED else "")


def load() -> float:
    return os.getloadavg()[0]


def unwritten_mb() -> float:
    """Dirty and writeback pages of the whole machine (``/proc/meminfo``), in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    return sum(int(fields.get(name, "0 kB").split()[0]) for name in ("Dirty", "Writeback")) / 1024


def settle_disk(most: float = 120.0) -> float:
    """Write what earlier steps left in memory to disk before a step is timed, and return the seconds it took.

    The steps before a timed one write gigabytes (clone exports, the served site: 4 GB at 50,000 packages); their
    writeback then ran during the next step's publishes and reads, and this machine's disk made every file read and
    rename wait (a follower's batch of 16 publishes took 14.5 s for its index right after a first start, 0.36 s once the
    disk was quiet). Each step now starts on a quiet disk: what it measures is its own work."""
    started = time.monotonic()
    os.sync()
    while unwritten_mb() > 16 and time.monotonic() - started < most:
        time.sleep(0.5)
    return round(time.monotonic() - started, 1)


def group_cpu(pgid: int) -> float:
    """CPU seconds used so far by a process group (``hub serve``, its workers and the children they reaped).

    The machine is shared, so wall-clock figures grow with its load; CPU seconds are the work itself."""
    return process_group_cpu(pgid, reaped=True)


def site_child_cpu(pgid: int) -> float:
    """CPU seconds used so far by the served site's child process in ``hub serve``'s process group (0 without one).

    It is the process of the group whose niceness is the server's plus the site child's (``hub.web.site.NICENESS``);
    the API's writer sits between (``hub.api.writer.NICENESS``). Where the served site's first build runs behind the
    answers (a size whose site was not built beforehand), that build's CPU is not a publish's or a read's."""
    from hub.api.writer import NICENESS as WRITER
    from hub.web.site import NICENESS as SITE

    stats = group_stats(pgid)
    if pgid not in stats:
        return 0.0
    base = int(stats[pgid][16])  # the niceness of hub serve itself
    site, writer = min(19, base + SITE), min(19, base + WRITER)
    if site == writer:
        raise RuntimeError(f"hub serve runs at niceness {base}: its site child and its writer cannot be told apart")
    ticks = sum(int(x) for stat in stats.values() if int(stat[16]) == site for x in stat[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def server_cpu(pgid: int, site_apart: bool) -> float:
    """The server's CPU seconds so far; with ``site_apart`` without its served site's child process."""
    return group_cpu(pgid) - (site_child_cpu(pgid) if site_apart else 0.0)


# the data folders whose served site was not built when this run began (their servers build it behind the answers;
# a server stopped half-way leaves part of it, which is not a built site)
SITE_APART: dict[Path, bool] = {}


def site_built(data: Path) -> bool:
    """Whether the served site of ``data`` was built (else a ``hub serve`` builds it behind its first answers)."""
    return (data / "site" / ".build").is_dir()


class Clock:
    """Wall and CPU time of a block in this process (``time.process_time``: every thread of it)."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


class Stopped(BaseException):
    """The time limit of a long step (``--limit``) was reached: the step ends with what it did until then."""


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``Stopped`` in this (the main) thread after ``seconds``; no limit with None."""
    if not seconds:
        yield
        return

    def stop(_signum: int, _frame: object) -> None:
        raise Stopped

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def built_so_far(data: Path) -> dict:
    """How far a first start got in ``data``: clone exports written, package folders of the served site."""
    exports = sum(1 for _ in (data / "git").glob("*/*.git")) if (data / "git").is_dir() else 0
    pages = sum(1 for p in (data / "site" / "pakete").glob("*/*") if p.is_dir()) if (data / "site" / "pakete").is_dir() else 0
    return {"exports_written": exports, "site_packages_written": pages}


# -- processes -------------------------------------------------------------------------------------


class NoAnswer(RuntimeError):
    """The server did not answer within its time limit; ``cpu``: its process group's CPU seconds until then."""

    cpu = 0.0


def health(url: str, proc: subprocess.Popen, timeout: float, log: Path, tick: Callable[[float], None] = lambda elapsed: None) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        tick(time.perf_counter() - start)
        try:
            with httpx.Client(timeout=2) as client:
                if client.get(url).status_code == 200:
                    return time.perf_counter()
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"the server ended early ({proc.returncode}): {log.read_text(errors='replace')[-3000:]}")
        # every 20 ms at first (a cold start takes seconds), then more slowly: a first start of many minutes
        # must not spend a core of its own on asking
        time.sleep(min(0.5, 0.02 + (time.perf_counter() - start) / 100))
    raise NoAnswer(f"no answer from {url} within {timeout} s")


class Served:
    """``hub serve --workers 1`` (or the bare app) in a process group of its own; ``seconds`` until it answered."""

    def __init__(
        self,
        data: Path | None,
        timeout: float = 3600,
        port: int | None = None,
        tick: Callable[[float], None] = lambda elapsed: None,
        started: Callable[[Served], object] = lambda served: None,
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # no served site built beforehand: its first build runs in the site's child behind the answers, counted apart
        self.site_apart = data is not None and SITE_APART.get(data, False)
        env = common.installed({**os.environ, "PYTHONPATH": str(ROOT)})  # from compiled bytecode, as installed
        if data is None:
            cmd = [str(BIN / "granian"), "--interface", "asgi", "--port", str(self.port), "--workers", "1", "--no-ws", "bench.bare_app:app"]
            probe = f"{self.url}/const"
        else:
            env["HUB_DATA"] = str(data)
            cmd = [str(BIN / "hub"), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1"]
            probe = f"{self.url}/api/v1/health"
        start = time.perf_counter()
        # its output goes to a file, not a pipe nobody reads while waiting: a long first start must not block on it
        self.log = (data / "bench-serve.log") if data is not None else Path(os.devnull)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        started(self)
        try:
            self.seconds = health(probe, self.process, timeout, self.log, tick) - start
            self.cpu = group_cpu(self.process.pid)
        except BaseException as error:
            if isinstance(error, NoAnswer):
                error.cpu = group_cpu(self.process.pid)
            self.stop()
            raise

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, 15)
            self.process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, 9)
            self.process.wait(timeout=30)

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# -- profiles --------------------------------------------------------------------------------------


def hot_functions(profile: cProfile.Profile, calls: int, limit: int = 14) -> list[dict]:
    """The project's functions with the most cumulative time, in ms per ``calls`` (e.g. per publish)."""
    stats = pstats.Stats(profile, stream=io.StringIO())
    rows = []
    for (filename, line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if "/hub/" not in filename or "site-packages" in filename:
            continue
        where = filename.split("/hub/", 1)[1].removesuffix(".py").replace("/", ".")
        rows.append({"function": f"hub.{where}.{name}", "line": line, "ms": round(cumulative * 1000 / calls, 2)})
    rows.sort(key=lambda r: -r["ms"])
    return rows[:limit]


# -- the catalogue at one size ---------------------------------------------------------------------


class Versions:
    """The next unpublished version of each package, handed out once (threads publish distinct versions).

    Read from the data folder's catalogue the first time a package is asked for: an earlier run on the same
    folder may have published versions past what the growth did."""

    def __init__(self, size: int, data: Path) -> None:
        self.data = data
        self.next: dict[int, int] = {}
        self.lock = threading.Lock()

    def _published(self, i: int) -> int:
        import yaml

        from hub.store import Catalog

        catalog = Catalog.open(self.data / "catalog.git")
        head = catalog.head()
        assert head is not None
        blob = head.tree[f"packages/{realistic.package_id(i)}/hub.yaml"]
        assert isinstance(blob, pygit2.Blob)
        version = yaml.safe_load(blob.data)["version"]
        return next(n for n in range(100) if realistic.version_name(n) == version) + 1

    def take(self, i: int) -> dict[str, bytes]:
        with self.lock:
            if i not in self.next:
                self.next[i] = self._published(i)
            n = self.next[i]
            self.next[i] += 1
        return realistic.package_files(i, n)


PORT = "bench-port"  # in a scratch data folder: the port its hub always listens on


GROWN_FROM = "bench-grown-from"  # in a scratch data folder taken over from a smaller size: that size


def scratch_folder(cache: Path, size: int, work: Path, reuse: bool, grown_from: int | None = None, name: str = "data") -> tuple[Path, bool]:
    """A data folder with only the grown catalogue repository (a copy), as a first start finds it; or, with
    ``reuse``, the one an earlier run started (True: it is reused); or, with ``grown_from``, the data folder of
    that smaller size, moved here with its catalogue replaced by this size's (index, exports and version store
    stay: the next opening catches up, as a hub does whose catalogue grew)."""
    from hub.store.version_store import store_path

    data = work / f"{name}-{size}"
    if reuse and (data / PORT).exists() and (data / "catalog.git" / "HEAD").exists():  # steps that need the index build it
        return data, True
    smaller = work / f"data-{grown_from}"
    if grown_from is not None and not data.exists() and (smaller / "index.sqlite").exists():
        os.rename(smaller, data)
        shutil.rmtree(data / "catalog.git")
        subprocess.run(["cp", "-al", str(cache / str(size) / "catalog.git"), str(data / "catalog.git")], check=True)
        (data / GROWN_FROM).write_text(str(grown_from))
        return data, True
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    # hard links: git never changes an object file or a ref file in place (it writes a new file and renames it)
    subprocess.run(["cp", "-al", str(cache / str(size) / "catalog.git"), str(data / "catalog.git")], check=True)
    stored = store_path(cache / str(size) / "catalog.git")  # the version store is written in place: a copy, not a link
    if stored.exists():
        shutil.copyfile(stored, store_path(data / "catalog.git"))
    (data / PORT).write_text(str(free_port()))
    return data, False


def port_of(data: Path) -> int:
    """A hub restarted on the same data folder keeps its address (the pages name it in their clone commands)."""
    return int((data / PORT).read_text())


def as_served(data: Path) -> None:
    """In this process, the clone address ``hub serve`` gives the pages of ``data`` (else every page is built anew)."""
    from hub.settings import environment

    os.environ["HUB_SERVE_URL"] = f"http://127.0.0.1:{port_of(data)}/"
    os.environ["HUB_DATA"] = str(data)
    environment.cache_clear()


def measure_open(data: Path, limit: float | None = None) -> dict:
    """The first start's index build and clone exports (``Services.open`` on a folder with only the catalogue), profiled;
    on a folder taken over from a smaller size (``--grown-from``), the catch-up of its index and exports instead.
    With ``limit`` it is stopped after that many seconds (``{key}_stopped``): the profile then says where the time
    went until the limit, and the folder is left half-built (no later step can use it)."""
    from hub.config import HubConfig
    from hub.services import Services

    grown = data / GROWN_FROM
    key = "catch_up" if grown.exists() and (data / "index.sqlite").exists() else "first_open"
    profile = cProfile.Profile()
    stopped = False
    opening, exports = Clock(), Clock()  # tags and index (``Services.open``); then every package's clone export
    profile.enable()
    try:
        with time_limit(limit):
            with opening:
                services = Services.open(HubConfig(data_dir=data))
            # ``Services.open`` leaves the clone exports and the version store's record to a server's follower: they
            # are made here as its first step makes them, timed apart
            with exports:
                services.catch_up(every_export=True)
            services.close()
    except Stopped:
        stopped = True
    finally:
        profile.disable()
    out: dict = {f"{key}_hot": hot_functions(profile, 1)}
    if hasattr(opening, "cpu") and opening.wall < 1e6:
        out |= {f"{key}_s": opening.wall, f"{key}_cpu_s": opening.cpu}
    if hasattr(exports, "cpu") and exports.wall < 1e6:
        out |= {f"{key}_exports_s": exports.wall, f"{key}_exports_cpu_s": exports.cpu}
    if stopped:
        out |= {f"{key}_stopped": True, f"{key}_limit_s": limit, f"{key}_so_far": built_so_far(data)}
    return out | ({"catch_up_from": int(grown.read_text())} if key == "catch_up" else {})


def measure_first(cache: Path, size: int, work: Path, limit: float | None) -> dict:
    """The whole first start: ``hub serve --workers 1`` on a data folder of its own that holds only the grown catalogue,
    until it answers. The moment its served site's build began (the site folder appears: tags and index are done)
    splits it in two, in wall and in the process group's CPU time. With ``limit`` it is stopped after that many
    seconds and what it had built is recorded (``first_start_stopped``)."""
    data, _ = scratch_folder(cache, size, work, reuse=False, name="first")
    began: dict[str, float] = {}
    server: list[Served] = []

    def tick(elapsed: float) -> None:
        if "site_s" not in began and (data / "site").exists() and server:
            began.update(site_s=elapsed, site_cpu_s=group_cpu(server[0].process.pid))

    out: dict = {}
    try:
        with Served(data, timeout=limit or 36_000, port=port_of(data), tick=tick, started=server.append) as served:
            out = {"first_start_s": served.seconds, "first_start_cpu_s": served.cpu}
    except NoAnswer as error:
        out = {"first_start_stopped": True, "first_start_limit_s": limit, "first_start_stopped_cpu_s": error.cpu}
    if began:
        out |= {"first_start_index_s": began["site_s"], "first_start_index_cpu_s": began["site_cpu_s"]}
    return out | {"first_start_so_far": built_so_far(data)}


def build_served_site(data: Path, processes: int) -> dict:
    """The served site at HEAD for this folder's address, built beforehand by the site builder in ``processes``
    processes (what ``hub.web.site.build`` does in one), with the same marker a served build leaves: a ``hub serve``
    then finds its pages current and answers without a first build."""
    from hub.site.build import SiteBuilder
    from hub.store import Catalog
    from hub.web import site

    as_served(data)
    catalog = Catalog.open(data / "catalog.git")
    head = catalog.head()
    assert head is not None
    commit, base, folder = str(head.id), site.clone_base(), data / "site"
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with Clock() as clock:
        SiteBuilder(catalog, folder, ref=commit, clone_base=base, clones=False, processes=processes).build()
        (folder / site.SERVED).write_text(f"{commit} {base}", encoding="utf-8")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    forked = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    return {"served_site_s": clock.wall, "served_site_cpu_s": clock.cpu + forked, "served_site_processes": processes}


def measure_start(data: Path, runs: int, first: bool) -> dict:
    out: dict = {}
    if first:
        # after ``open`` the index and exports are there and the first start builds the served site only
        key = "first_start_site" if (data / "index.sqlite").exists() else "first_start"
        with Served(data, port=port_of(data)) as served:
            out = {f"{key}_s": served.seconds, f"{key}_cpu_s": served.cpu}
    # one start of each not counted: it writes the bytecode of what changed since the last run (common.installed)
    with Served(data, port=port_of(data)), Served(None):
        pass
    ours, ours_cpu, bare, bare_cpu = [], [], [], []
    for _ in range(runs):
        with Served(data, port=port_of(data)) as served:
            ours.append(served.seconds)
            ours_cpu.append(served.cpu)
        with Served(None) as served:
            bare.append(served.seconds)
            bare_cpu.append(served.cpu)
    return out | {
        "cold_start_s": statistics.median(ours),
        "cold_start_cpu_s": statistics.median(ours_cpu),
        "cold_start_runs": ours,
        "bare_start_s": statistics.median(bare),
        "bare_start_cpu_s": statistics.median(bare_cpu),
    }


def profile_cold(data: Path, with_site: bool = True) -> dict:
    """What ``hub serve`` does before it answers, in-process under cProfile: the parent's opening and site, a worker's app.

    ``with_site=False``: the served site is not built, and neither it (a first build of every package's pages) nor the
    follower's first step (which is that build) is run here: the opening and the app alone."""
    from hub.api import create_app
    from hub.config import HubConfig
    from hub.services import Services
    from hub.web import site

    as_served(data)
    profile = cProfile.Profile()
    with Clock() as clock:
        profile.enable()
        services = Services.open(HubConfig(data_dir=data))
        if with_site:
            site.build(services, services.head(), site.clone_base())
        services.close()
        app = create_app(config=HubConfig(data_dir=data), live=True)
        # the follower's first step and warm-up, as in a worker before it answers; not without a built site, where
        # that step is the served site's first build (and stopping the follower would wait for it)
        for hook in app.on_startup if with_site else []:
            _call_hook(hook)
        profile.disable()
    for hook in app.on_shutdown if with_site else []:
        _call_hook(hook)
    return {"seconds": clock.wall, "cpu_s": clock.cpu, "hot": hot_functions(profile, 1), "site": with_site}


def _call_hook(hook: Callable) -> None:
    """A startup or shutdown hook called as the server would, without its event loop: the async hooks only remember the
    requests' loop (``hub.api.late_routes``, ``hub.api.behind``), and there is none here, so they are closed unrun (a
    coroutine left unawaited printed a RuntimeWarning at every run)."""
    result = hook()
    if inspect.iscoroutine(result):
        result.close()


def profile_get(data: Path, size: int, runs: int) -> dict:
    """GET of random packages in-process, under cProfile: where a request that misses the answer cache goes.

    The app is called as ASGI on this thread's event loop (a test client would run it on a thread of its own,
    which cProfile does not see); the app's startup hooks are not run (no follower: the catalogue does not move)."""
    import asyncio

    from hub.api import create_app
    from hub.config import HubConfig
    from hub.services import Services

    rng = random.Random(13)
    ids = [realistic.package_id(rng.randrange(size)) for _ in range(runs)]
    profile = cProfile.Profile()
    clock = Clock()

    async def get(app: Callable, path: str) -> int:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"127.0.0.1"), (b"accept", b"application/json")],
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
            "state": {},
        }
        status = 0

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await app(scope, receive, send)
        return status

    async def requests(app: Callable) -> None:
        await get(app, f"/api/v1/packages/{ids[0]}")  # imports and first queries are not what a request costs
        with clock:
            profile.enable()
            for pid in ids:
                if (status := await get(app, f"/api/v1/packages/{pid}")) != 200:
                    raise RuntimeError(f"GET {pid}: {status}")
            profile.disable()

    with Services.attach(HubConfig(data_dir=data)) as services:
        asyncio.run(requests(create_app(services)))
    return {
        "get_inprocess_ms": clock.wall * 1000 / runs,
        "get_inprocess_cpu_ms": clock.cpu * 1000 / runs,
        "get_hot": hot_functions(profile, runs),
    }


def measure_versions(data: Path, size: int, runs: int) -> dict:
    from hub.store import Catalog

    rng = random.Random(7)
    ids = [realistic.package_id(rng.randrange(size)) for _ in range(runs)]
    # the data folder as a hub that served it before leaves it: its version store at HEAD (once, not timed)
    Catalog.open(data / "catalog.git").record_versions()
    first, first_cpu = [], []
    for pid in ids[:5]:
        catalog = Catalog.open(data / "catalog.git")
        with Clock() as clock:
            catalog.versions(pid)
        first.append(clock.wall * 1000)
        first_cpu.append(clock.cpu * 1000)
    catalog = Catalog.open(data / "catalog.git")
    catalog.versions(ids[0])
    warm, warm_cpu = [], []
    for pid in ids:
        with Clock() as clock:
            catalog.versions(pid)
        warm.append(clock.wall * 1000)
        warm_cpu.append(clock.cpu * 1000)
    return {
        "versions_ms": statistics.median(warm),
        "versions_cpu_ms": statistics.median(warm_cpu),
        "versions_first_ms": statistics.median(first),
        "versions_first_cpu_ms": statistics.median(first_cpu),
        "versions_runs": len(warm),
    }


def measure_store_publish(data: Path, size: int, versions: Versions, runs: int) -> dict:
    """The catalogue's part of a publish alone (``hub.store.publish.publish``: validate, commit, move ``main``, tag),
    median and profiled, on the catalogue repository only: what of a publish could depend on the number of packages
    in the repository, measurable where the index and the clone exports have not been built."""
    from hub.store import Catalog
    from hub.store.publish import publish
    from hub.validate import PackageFiles

    rng = random.Random(17)
    chosen = rng.sample(range(size), min(size, runs * 2))
    packages = [PackageFiles(versions.take(i), folder_name=realistic.package_id(i).split("/")[1]) for i in chosen]
    catalog = Catalog.open(data / "catalog.git")
    wall, cpu = [], []
    for package in packages[:runs]:
        with Clock() as clock:
            publish(catalog, package)
        wall.append(clock.wall * 1000)
        cpu.append(clock.cpu * 1000)
    profile = cProfile.Profile()
    profiled = packages[runs:]
    profile.enable()
    for package in profiled:
        publish(catalog, package)
    profile.disable()
    return {
        "store_publish_ms": statistics.median(wall),
        "store_publish_cpu_ms": statistics.median(cpu),
        "store_publish_hot": hot_functions(profile, max(1, len(profiled))),
    }


def measure_publish(data: Path, size: int, versions: Versions, runs: int, site_update: bool) -> dict:
    """In-process publishes through the use case (median, profiled); then, with ``site_update``, publishes each followed
    by the served site's update (the site update timed, not the publish).

    The two are timed in separate rounds because a hub never does both in one process: its writer process publishes,
    the site's child process builds the site. Timed in turn in one process, each publish after a site update paid for
    what that update left in the process (libgit2's object cache full of every package's objects, let go of when the
    catalogue's handle lets go of merged-away packs: 0.6 s at 50,000 packages against 3 ms after publishes alone)."""
    from hub.config import HubConfig
    from hub.services import Services
    from hub.site.build import settle
    from hub.usecases.publish import publish
    from hub.validate import PackageFiles
    from hub.web import site

    rng = random.Random(11)
    chosen = rng.sample(range(size), min(size, runs * 3))
    packages = [
        PackageFiles(versions.take(i), folder_name=realistic.package_id(i).split("/")[1]) for i in chosen
    ]  # built before the clock starts
    as_served(data)
    services = Services.open(HubConfig(data_dir=data))
    plain, plain_cpu, updates, updates_cpu = [], [], [], []
    for package in packages[:runs]:
        with Clock() as clock:
            publish(services, package)
        plain.append(clock.wall * 1000)
        plain_cpu.append(clock.cpu * 1000)
    profile = cProfile.Profile()
    profiled = packages[runs : 2 * runs]
    profile.enable()
    for package in profiled:
        publish(services, package)
    profile.disable()
    served_site = site_update and (data / "site" / ".build").is_dir()  # else building it first would be a whole first start
    site_profile = cProfile.Profile()  # the site updates, profiled apart from the publishes
    if served_site:
        site.build(services, services.head(), site.clone_base())  # the publishes above, brought along at once
        settle()
        for package in packages[2 * runs :]:
            publish(services, package)
            with Clock() as clock:
                site_profile.enable()
                site.build(services, services.head(), site.clone_base())
                site_profile.disable()
            updates.append(clock.wall)
            updates_cpu.append(clock.cpu)
            # the kept build returned with the dashboard still being written by a thread of this process: wait for it
            # off the clocks, or time.process_time (every thread) counts it into the next round
            settle()
    services.close()
    return {
        "publish_ms": statistics.median(plain),
        "publish_cpu_ms": statistics.median(plain_cpu),
        "publish_runs": len(plain),
        **(
            {
                "site_update_s": statistics.median(updates),
                "site_update_cpu_s": statistics.median(updates_cpu),
                "site_update_hot": hot_functions(site_profile, len(updates)),
            }
            if updates
            else {}
        ),
        "publish_hot": hot_functions(profile, max(1, len(profiled))),
    }


def wrk(url: str, script: Path | None, seconds: int, server: Served | None = None) -> dict:
    """wrk's req/s, p50 and p99; with ``server`` also the server's CPU milliseconds per request."""
    apart = server is not None and server.site_apart
    cpu = server_cpu(server.process.pid, apart) if server else 0.0
    out = WrkOutput.run(url, seconds, script=script)
    cpu = server_cpu(server.process.pid, apart) - cpu if server else 0.0
    return {
        "rps": out.rps,
        "p50_ms": out.latency_ms(50),
        "p99_ms": out.latency_ms(99),
        "server_cpu_ms_per_request": cpu * 1000 / max(1, out.requests),
    }


LUA = """
local ids = {}
for line in io.lines("%s") do ids[#ids + 1] = line end
math.randomseed(%d)
request = function()
  return wrk.format("GET", "/api/v1/packages/" .. ids[math.random(#ids)])
end
"""


class Publishers:
    """``count`` threads publishing new versions of their own random packages through the API until stopped."""

    def __init__(self, url: str, tokens: dict[str, str], versions: Versions, size: int, count: int, seed: int) -> None:
        self.url, self.tokens, self.versions = url, tokens, versions
        self.done = 0
        self.failed: list[str] = []
        self.stopping = threading.Event()
        rng = random.Random(seed)
        pool = rng.sample(range(size), min(size, 40 * max(1, count)))
        self.threads = [threading.Thread(target=self.run, args=(pool[k::count],), daemon=True) for k in range(count)]

    def run(self, mine: list[int]) -> None:
        with httpx.Client(timeout=120) as client:
            k = 0
            while not self.stopping.is_set():
                i = mine[k % len(mine)]
                k += 1
                token = self.tokens[realistic.package_id(i).split("/")[0]]
                body = archive(self.versions.take(i))
                answer = client.post(
                    f"{self.url}/api/v1/packages/",
                    files={"archive": ("paket.zip", body, "application/zip")},
                    headers={"Authorization": f"Bearer {token}"},
                )
                if answer.status_code == 201:
                    self.done += 1
                else:
                    self.failed.append(f"{answer.status_code} {answer.text[:200]}")

    def __enter__(self) -> Publishers:
        self.started = time.perf_counter()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join()
        self.seconds = time.perf_counter() - self.started


def site_caught_up(url: str, timeout: float = 1800) -> float:
    """Seconds until ``/api/v1/health`` says the served site shows the catalogue's commit (the site child's first build done)."""
    start = time.perf_counter()
    with httpx.Client(timeout=30) as client:
        while time.perf_counter() - start < timeout:
            health = client.get(f"{url}/api/v1/health").json()
            if health.get("site_commit") == health.get("commit") and not health.get("starting"):
                return time.perf_counter() - start
            time.sleep(0.5)
    raise NoAnswer(f"the served site of {url} did not catch up within {timeout} s")


def settled(url: str, timeout: float = 1800) -> float:
    """Seconds until the served site shows the head and its dashboard (the reports) names it too.

    After a publish the site's child writes the dashboard and the reports behind the pages, paced (hub.site.deferred):
    at 50,000 packages about ten seconds of CPU. Reads measured before that ended, as an idle baseline, met it (an
    "idle" p99 of 754 ms at 50,000 packages in an earlier run)."""
    start = time.perf_counter()
    site_caught_up(url, timeout)
    with httpx.Client(timeout=60) as client:
        while time.perf_counter() - start < timeout:
            head = client.get(f"{url}/api/v1/health").json().get("commit")
            report = client.get(f"{url}/api/v1/reports/maturity")
            if report.status_code == 200 and report.json().get("commit") == head:
                return time.perf_counter() - start
            time.sleep(0.5)
    raise NoAnswer(f"the dashboard of {url} did not show the head within {timeout} s")


def measure_api(data: Path, size: int, versions: Versions, runs: int, seconds: int, work: Path) -> dict:
    from hub.config import HubConfig
    from hub.services import Services
    from hub.usecases import tokens as token_use

    publishers = sorted({realistic.package_id(i).split("/")[0] for i in range(size)})
    with Services.attach(HubConfig(data_dir=data)) as services:
        tokens = {org: token_use.create(services, org, "publisher", "growth bench")[0] for org in publishers}
    ids = work / "ids.txt"
    ids.write_text("\n".join(realistic.package_id(i) for i in range(size)) + "\n")
    script = work / "random.lua"
    script.write_text(LUA % (ids, 1))
    results: dict = {}
    with Served(data, port=port_of(data)) as served:
        rng = random.Random(5)
        sequential = []
        with httpx.Client(timeout=120) as client:
            for i in rng.sample(range(size), min(size, runs)):
                body = archive(versions.take(i))
                start = time.perf_counter()
                answer = client.post(
                    f"{served.url}/api/v1/packages/",
                    files={"archive": ("paket.zip", body, "application/zip")},
                    headers={"Authorization": f"Bearer {tokens[realistic.package_id(i).split('/')[0]]}"},
                )
                sequential.append((time.perf_counter() - start) * 1000)
                if answer.status_code != 201:
                    raise RuntimeError(f"publish refused: {answer.status_code} {answer.text[:300]}")
        results["api_publish_ms"] = statistics.median(sequential)
        # the site's child reads every package once after its process started (nothing kept yet), at the first publish:
        # a start's cost, not a publish's; the phases begin once the served site shows the catalogue's head
        results["site_caught_up_s"] = site_caught_up(served.url)
        for count in (1, 4, 8):
            cpu, site_cpu = group_cpu(served.process.pid), site_child_cpu(served.process.pid)
            with Publishers(served.url, tokens, versions, size, count, seed=count) as writers:
                time.sleep(seconds)
            if writers.failed:
                raise RuntimeError(f"{len(writers.failed)} publishes failed, e.g. {writers.failed[0]}")
            results[f"publishes_per_s_{count}"] = writers.done / writers.seconds
            # the phase's publishes are the site child's work until it shows the last of them (it lags under load): counted
            # here, not in the next phase, and what follows is measured on a server that has caught up
            results[f"site_caught_up_after_{count}_s"] = site_caught_up(served.url)
            cpu, site_cpu = group_cpu(served.process.pid) - cpu, site_child_cpu(served.process.pid) - site_cpu
            # the whole group (with the site child's catch-up of exports and pages after each publish), and without the
            # site child: where the served site's first build runs behind the answers, only the latter is the publishes'
            results[f"publish_server_cpu_ms_{count}" if not served.site_apart else f"publish_group_cpu_ms_{count}"] = (
                cpu * 1000 / max(1, writers.done)
            )
            results[f"publish_server_cpu_ms_{count}_without_site"] = (cpu - site_cpu) * 1000 / max(1, writers.done)
            if served.site_apart:
                results[f"publish_server_cpu_ms_{count}"] = results[f"publish_server_cpu_ms_{count}_without_site"]
        # the reads start once the site's child has written the dashboard of the last phase too: nothing of it runs behind them
        results["dashboard_settled_s"] = settled(served.url)
        wrk(served.url, script, 1)  # warm-up
        results["get_random"] = wrk(served.url, script, seconds, served)
        for count in (0, 1, 4, 8):
            if count == 0:
                results["reads_while_0"] = wrk(served.url, script, seconds, served)
                continue
            with Publishers(served.url, tokens, versions, size, count, seed=100 + count) as writers:
                results[f"reads_while_{count}"] = wrk(served.url, script, seconds, served)
            results[f"reads_while_{count}"]["publishes_per_s"] = writers.done / writers.seconds
            settled(served.url)  # the next phase's reads do not meet this one's backlog
    with Served(None) as bare:
        wrk(bare.url + "/const", None, 1)
        results["get_bare"] = wrk(bare.url + "/const", None, seconds, bare)
    results["get_ratio"] = results["get_random"]["rps"] / results["get_bare"]["rps"]
    # the same comparison in the server's CPU per request: what the ratio would be on a machine of our own
    results["get_cpu_ratio"] = results["get_bare"]["server_cpu_ms_per_request"] / results["get_random"]["server_cpu_ms_per_request"]
    idle = results["reads_while_0"]["p99_ms"]
    results["read_p99_ratio"] = {str(c): results[f"reads_while_{c}"]["p99_ms"] / idle for c in (1, 4, 8)}
    return results


def measure_site(data: Path, size: int, work: Path) -> dict:
    from hub.site import build_site
    from hub.store import Catalog

    out = work / f"site-{size}"
    shutil.rmtree(out, ignore_errors=True)
    with Clock() as clock:
        build_site(Catalog.open(data / "catalog.git"), out)
    files = total = 0
    for folder, _dirs, names in os.walk(out):
        for name in names:
            files += 1
            total += os.lstat(os.path.join(folder, name)).st_size
    shutil.rmtree(out, ignore_errors=True)
    return {
        "site_build_s": clock.wall,
        "site_build_cpu_s": clock.cpu,
        "site_files": files,
        "site_bytes": total,
        "site_bytes_per_package": total / size,
    }


def measure(
    cache: Path,
    size: int,
    work: Path,
    only: list[str],
    quick: bool,
    reuse: bool,
    keep: Callable[[dict], None] = lambda out: None,
    runs: int = 30,
    grown_from: int | None = None,
    limit: float | None = None,
    site_processes: int = 1,
    folder: str = "data",
) -> dict:
    runs = 5 if quick else runs
    seconds = 1 if quick else 8
    if [n for n in only if n != "first"]:
        data, reused = scratch_folder(cache, size, work, reuse, grown_from, name=folder)
    else:  # the first start alone makes a folder of its own and leaves the data folder of the other steps as it is
        data, reused = work / f"{folder}-{size}", True
    versions = Versions(size, data)
    # without a served site built beforehand (at sizes where its first build does not fit into the run), the server's
    # rows are measured while that build runs behind the answers, in the site's child process, counted apart
    apart = SITE_APART[data] = (
        bool([n for n in only if n in ("start", "api")]) and "served_site" not in only and not site_built(data) and not quick
    )
    out: dict = {"packages": size, "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load": {"before": load()}}
    if apart:
        out["served_site_absent"] = True
    if folder != "data":
        out["folder"] = folder  # e.g. "first": the steps ran on the folder the first start left (index and served site built by it)
    steps = {
        "first": lambda: measure_first(cache, size, work, limit),
        "served_site": lambda: build_served_site(data, site_processes),
        "open": lambda: measure_open(data, limit),
        # the first start is measured whenever the served site has not been built yet (also on a reused folder)
        "start": lambda: (
            measure_start(data, 2 if quick else 3, first=not (data / "site" / ".build").is_dir() and not apart)
            | {"cold_profile": profile_cold(data, with_site=not apart)}
        ),
        "versions": lambda: measure_versions(data, size, runs * 10),
        "store_publish": lambda: measure_store_publish(data, size, versions, runs),
        "publish": lambda: measure_publish(data, size, versions, runs, "site_update" in only),
        "api": lambda: measure_api(data, size, versions, runs, seconds, work) | profile_get(data, size, runs * 10),
        "site": lambda: measure_site(data, size, work),
    }
    for name in [n for n in only if n in steps]:  # in the order given ("site_update" is an option of "publish")
        print(f"  {name} …", flush=True)
        out.setdefault("settled_s", {})[name] = settle_disk()
        out |= steps[name]()
        out["load"][name] = load()
        # a size's figures may come from several runs: each step says when and on which commit it ran
        out.setdefault("steps", {})[name] = {"finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": measured_commit()}
        keep(out)  # each step's figures are kept as soon as it ends (a long run may be stopped)
        if any(key.endswith("_stopped") for key in out):
            print(f"  stopped at the limit: the steps after {name} are not run (its folder is half-built)", flush=True)
            break
    out["reused_data_folder"] = reused
    return out


def main() -> None:
    parser = argparse.ArgumentParser(parents=[options()])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument(
        "--cache", type=Path, default=None, help="grown catalogues (default: /work/growth-cache, or a temporary one with --quick)"
    )
    parser.add_argument(
        "--fast-from",
        type=int,
        default=None,
        help="grow past this many packages by commit_version (see bench/grow.py; default 1000, 0 with --quick)",
    )
    parser.add_argument("--only", default="start,versions,publish,api,site", help=f"comma-separated subset of {','.join(FIGURES)}")
    parser.add_argument("--runs", type=int, default=30, help="publishes (and twice as many, ten times as many version reads) per size")
    parser.add_argument("--work", type=Path, default=None, help="scratch data folders (default: /work/growth-cache/scratch)")
    parser.add_argument(
        "--reuse", action="store_true", help="measure on the data folders an earlier run started (no first start; they hold its publishes)"
    )
    parser.add_argument(
        "--limit", type=float, default=None, help="stop the steps first and open after this many seconds, keeping what they did until then"
    )
    parser.add_argument(
        "--site-processes",
        type=int,
        default=os.cpu_count() or 1,
        help="processes of the served_site step's site build (default: one per core)",
    )
    parser.add_argument(
        "--folder",
        default="data",
        help="the scratch data folder the steps use: data (default) or first, the folder the first step's hub serve built (with --reuse)",
    )
    parser.add_argument(
        "--grown-from",
        type=int,
        default=None,
        help="take over the data folder of this smaller size (its catalogue replaced): the open step measures the catch-up",
    )
    args = quick(parser.parse_args(), sizes=[30])  # --quick: few runs, 1-second load windows, a temporary cache
    only = args.only.split(",")
    if "api" in only and shutil.which("wrk") is None:
        # before growing and building: the api step comes last, after what can take the better part of an hour
        sys.exit("wrk fehlt: apt-get install wrk")
    temporary = tempfile.mkdtemp(prefix="growth-")
    cache = args.cache or (Path(temporary) / "cache" if args.quick else Path("/work/growth-cache"))
    try:
        fast_from = args.fast_from if args.fast_from is not None else (0 if args.quick else 1000)
        progress = grow(cache / "cat", args.sizes, say=lambda s: print(s, flush=True), fast_from=fast_from)
        results: dict = {"machine": machine(), "cores": os.cpu_count(), "goals": GOALS, "sizes": {}}
        results["growth"] = {"checkpoints": progress["checkpoints"], "fast_from": progress.get("fast_from"), "curve": curve(progress)}
        for size in args.sizes:
            print(f"measuring {size} packages …", flush=True)
            work = Path(temporary) if args.quick else (args.work or Path("/work/growth-cache/scratch"))

            def keep(out: dict, size: int = size) -> None:
                results["sizes"][str(size)] = out | {"command": shlex.join(sys.argv[1:])}
                save(results, args)

            measure(
                cache / "cat",
                size,
                work,
                only,
                args.quick,
                args.reuse,
                keep,
                args.runs,
                args.grown_from,
                args.limit,
                args.site_processes,
                args.folder,
            )
            print(json.dumps(results["sizes"][str(size)], indent=1)[:4000], flush=True)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    print(f"results: {save(results, args)}")


# the figures' keys of a step that may not produce all of them in every run: a later run of the step replaces them all
STEP_KEYS = {"first": "first_start", "open": "first_open"}
# the steps that measure a running server, and the flags that say how it ran (set by that run only)
SERVER_STEPS = {"start", "api"}
SERVER_RUN_FLAGS = ("served_site_absent", "folder")


def merged(earlier: dict, later: dict) -> dict:
    """One size's figures from two runs: the later run's win, and the steps and loads of both are kept.

    A step run again drops its earlier keys that the later run did not produce: a first start that now answers
    before its site build has no split at the site's beginning, and the earlier run's split must not stay beside it."""
    redone = [STEP_KEYS[step] for step in later.get("steps", {}) if step in STEP_KEYS]
    earlier = {k: v for k, v in earlier.items() if not any(k.startswith(prefix) for prefix in redone)}
    if SERVER_STEPS & set(later.get("steps", {})):
        # how the server's rows ran (site built beforehand or not, which folder) is said by the run that measured them
        earlier = {k: v for k, v in earlier.items() if k not in SERVER_RUN_FLAGS}
    out = earlier | later
    for key in ("steps", "load"):
        if isinstance(earlier.get(key), dict) and isinstance(later.get(key), dict):
            out[key] = earlier[key] | later[key]
    return out


def save(results: dict, args: argparse.Namespace) -> Path:
    """Write the results; sizes and figures another run measured (read now, not at the start) are kept.

    ``results["sizes"]`` keeps only this run's sizes: the other sizes are read from the file at each save, so
    runs of other sizes at the same time never find their newer figures replaced by a copy read earlier."""
    earlier = args.out / "growth.json"
    written = results
    if not args.quick and earlier.exists():
        previous = json.loads(earlier.read_text())
        kept = previous.get("results", previous).get("sizes", {})
        written = results | {"sizes": kept | {size: merged(kept.get(size, {}), figures) for size, figures in results["sizes"].items()}}
    return write_results("growth", written, args)


if __name__ == "__main__":
    main()
