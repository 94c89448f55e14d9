"""Bounded work from small requests: one test per limit, each on a real server whose health stays fast.

Every hostile package here is a few hundred bytes to a few KB as an archive. Each is sent to
``POST /api/v1/packages/validate`` (no token) of one real ``hub serve``, while another thread
asks ``/api/v1/health`` over and over: the validation must come back with the limit's problem
code, and health must keep answering within 100 ms, because the work runs in a budget worker,
not on the event loop.
"""

from __future__ import annotations

import gzip
import io
import json
import statistics
import tarfile
import threading
import time
import zipfile
from collections.abc import Callable

import httpx
import pytest
import yaml

from hub.budget import BudgetExceeded, Pool
from hub.validate.archive import from_archive
from hub.validate.markdown import MAX_MARKDOWN_BYTES
from tests.factory import CONFIG_SCHEMA, FORM, README, archive, package_files
from tests.server import start_server
from tests.test_federation import source_repo

HEALTH_LIMIT = 0.1


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("hostile"))
    # the first upload starts the worker pool (a forkserver); not what the limits are about
    httpx.post(
        server.url + "/api/v1/packages/validate", files={"archive": ("p.zip", archive(package_files()), "application/zip")}, timeout=60
    )
    yield server
    server.stop()


def _while_probing_health(server, send: Callable[[], httpx.Response]) -> tuple[httpx.Response, list[float]]:
    """Make the request ``send`` makes; meanwhile time health requests on a second connection."""
    result: dict = {}
    done = threading.Event()

    def sending() -> None:
        try:
            result["response"] = send()
        finally:
            done.set()

    sender = threading.Thread(target=sending)
    timings: list[float] = []
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.get("/api/v1/health")  # connection set up outside the timing
        sender.start()
        while not done.is_set() or len(timings) < 3:
            start = time.perf_counter()
            assert client.get("/api/v1/health").status_code == 200
            timings.append(time.perf_counter() - start)
            time.sleep(0.01)
    sender.join()
    return result["response"], timings


def _validate_while_probing_health(server, data: bytes) -> tuple[dict, list[float]]:
    """Send ``data`` for validation; meanwhile time health requests on a second connection."""
    response, timings = _while_probing_health(
        server,
        lambda: httpx.post(
            server.url + "/api/v1/packages/validate", files={"archive": ("paket.bin", data, "application/octet-stream")}, timeout=120
        ),
    )
    return {"status": response.status_code, "body": response.json()}, timings


def _assert_refused(server, data: bytes, code: str) -> None:
    result, timings = _validate_while_probing_health(server, data)
    assert result["status"] == 200, result
    codes = {p["code"] for p in result["body"]["problems"]}
    assert code in codes, result["body"]["problems"]
    # median: the machine is shared, a single probe may wait for a CPU; the event loop itself never waits
    assert statistics.median(timings) < HEALTH_LIMIT, timings


def _package_with(**files) -> bytes:
    return archive(package_files(files=files))


def _tar_gz(members: list[tuple[tarfile.TarInfo, bytes | None]], *, tail: bytes = b"") -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tf:
        for info, content in members:
            tf.addfile(info, io.BytesIO(content) if content is not None else None)
    return gzip.compress(raw.getvalue() + tail, compresslevel=9)


# --- YAML: ~1 KB of aliases must not expand ----------------------------------------------------


def _alias_bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * 9) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_yaml_alias_chain_is_refused_before_it_expands(server):
    bomb = _alias_bomb()
    assert len(bomb) < 1200  # 9⁹ ≈ 387 million strings once expanded
    _assert_refused(server, _package_with(**{"konfiguration/termine.yaml": bomb}), "document-too-large")


def test_yaml_alias_chain_in_the_manifest_is_refused(server):
    manifest = package_files()["hub.yaml"].decode() + "x-bomb:\n" + "".join("  " + line + "\n" for line in _alias_bomb().splitlines())
    _assert_refused(server, _package_with(**{"hub.yaml": manifest}), "document-too-large")


# --- nesting -------------------------------------------------------------------------------------


def test_deeply_nested_json_form_is_refused(server):
    _assert_refused(server, _package_with(**{"formulare/antrag.schema.json": "[" * 5000 + "]" * 5000}), "document-too-deep")


def test_deeply_nested_yaml_config_is_refused(server):
    _assert_refused(server, _package_with(**{"konfiguration/termine.yaml": "a: " + "[" * 500 + "]" * 500 + "\n"}), "document-too-deep")


# --- $ref ------------------------------------------------------------------------------------------


def _form(**changes) -> str:
    return json.dumps({**FORM, **changes})


def test_self_referencing_form_schema_is_refused(server):
    form = _form(
        **{
            "$defs": {"a": {"$ref": "#/$defs/b", "title": "A"}, "b": {"$ref": "#/$defs/a", "title": "B"}},
            "properties": {**FORM["properties"], "x": {"$ref": "#/$defs/a", "title": "X"}},
        }
    )
    _assert_refused(server, _package_with(**{"formulare/antrag.schema.json": form}), "schema-too-complex")


def test_exponential_reference_chain_in_config_schema_is_refused(server):
    defs = {"d0": {"type": "integer"}}
    for i in range(1, 40):
        defs[f"d{i}"] = {"allOf": [{"$ref": f"#/$defs/d{i - 1}"}, {"$ref": f"#/$defs/d{i - 1}"}]}
    schema = {**CONFIG_SCHEMA, "$defs": defs, "properties": {"dauer_minuten": {"$ref": "#/$defs/d39"}}}
    _assert_refused(server, _package_with(**{"schemas/termine.schema.json": json.dumps(schema)}), "schema-too-complex")


# --- regular expressions from packages ---------------------------------------------------------------


def test_backtracking_pattern_runs_in_linear_time(server):
    schema = {**CONFIG_SCHEMA, "properties": {"dauer_minuten": {"type": "integer"}, "name": {"type": "string", "pattern": "^(a+)+$"}}}
    config = yaml.safe_dump({"dauer_minuten": 15, "name": "a" * 5000 + "!"})
    result, timings = _validate_while_probing_health(
        server, _package_with(**{"schemas/termine.schema.json": json.dumps(schema), "konfiguration/termine.yaml": config})
    )
    assert [(p["code"], p.get("pointer")) for p in result["body"]["problems"]] == [("config-invalid", "/name")]
    assert statistics.median(timings) < HEALTH_LIMIT


def test_pattern_re2_cannot_run_is_refused(server):
    schema = {**CONFIG_SCHEMA, "properties": {"dauer_minuten": {"type": "integer"}, "name": {"type": "string", "pattern": "^(a)\\1$"}}}
    _assert_refused(server, _package_with(**{"schemas/termine.schema.json": json.dumps(schema)}), "schema-pattern-unsupported")


# --- harvest sources: the same limits, in the same budget as an upload ---------------------------------


def test_hostile_packages_in_a_harvest_source_are_refused_while_health_stays_fast(server, tmp_path):
    schema = {**CONFIG_SCHEMA, "properties": {"dauer_minuten": {"type": "integer"}, "name": {"type": "string", "pattern": "^(a+)+$"}}}
    source = source_repo(
        tmp_path / "quelle",
        {
            "pakete/bombe": package_files("stadt-quelle/bombe", files={"konfiguration/termine.yaml": _alias_bomb()}),
            "pakete/gut": package_files("stadt-quelle/gut"),
            "pakete/muster": package_files(
                "stadt-quelle/muster",
                files={
                    "schemas/termine.schema.json": json.dumps(schema),
                    "konfiguration/termine.yaml": yaml.safe_dump({"dauer_minuten": 15, "name": "a" * 5000 + "!"}),
                },
            ),
        },
    )
    server.register("stadt-quelle", "Stadt Quelle")
    admin = {"Authorization": f"Bearer {server.token('stadt-quelle', 'admin')}"}
    sources = yaml.safe_dump({"sources": [{"name": "quelle", "url": str(source), "publisher": "stadt-quelle", "folders": ["pakete/*"]}]})
    assert httpx.put(server.url + "/api/v1/sources", content=sources, headers=admin).status_code == 200

    response, timings = _while_probing_health(server, lambda: httpx.post(server.url + "/api/v1/harvest", headers=admin, timeout=120))
    assert response.status_code == 200, response.text
    [report] = response.json()
    assert [a["id"] for a in report["accepted"]] == ["stadt-quelle/gut"]
    refused = {r["folder"]: r["problems"] for r in report["refused"]}
    assert [(p["code"], p["file"]) for p in refused["pakete/bombe"]] == [("document-too-large", "konfiguration/termine.yaml")]
    assert [(p["code"], p.get("pointer")) for p in refused["pakete/muster"]] == [("config-invalid", "/name")]
    for problem in refused["pakete/bombe"] + refused["pakete/muster"]:
        assert problem["message"].endswith(".") and " is " not in problem["message"], problem  # a German sentence
    assert statistics.median(timings) < HEALTH_LIMIT, timings


# --- archives ---------------------------------------------------------------------------------------


def test_tar_member_claiming_gigabytes_is_refused_quickly(server):
    claim = tarfile.TarInfo("paket/daten.bin")
    claim.size = 8 * 1024**3
    data = _tar_gz([(claim, None)])  # the header claims 8 GB, the stream ends right after it
    assert len(data) < 1024
    result, timings = _validate_while_probing_health(server, data)
    assert {p["code"] for p in result["body"]["problems"]} & {"file-too-large", "archive-invalid", "archive-too-large"}
    assert statistics.median(timings) < HEALTH_LIMIT


def test_tar_gz_bomb_stops_inflating_at_the_limit():
    """Counted while inflating: the limit (here 4 MB) stops a member of 40 MB of zeros after about 4 MB."""
    zeros = tarfile.TarInfo("paket/nullen.bin")
    zeros.size = 40 * 1024 * 1024
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tf:
        tf.addfile(zeros, io.BytesIO(bytes(zeros.size)))
    data = gzip.compress(raw.getvalue(), compresslevel=6)
    assert len(data) < 100 * 1024
    for max_file in (1024, 100 * 1024 * 1024):  # skipped as too large, or read: inflation is counted either way
        start = time.process_time()
        package = from_archive(data, max_unpacked=4 * 1024 * 1024, max_file=max_file)
        assert [p.code for p in package.problems] == ["archive-too-large"]
        assert time.process_time() - start < 1


def test_archive_with_too_many_members_is_refused(server):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, content in package_files().items():
            zf.writestr(path, content)
        for i in range(5001):
            zf.writestr(f"leer/{i}.txt", b"")
    _assert_refused(server, buffer.getvalue(), "archive-too-large")


def test_zip_entry_inflating_past_its_header_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.md", bytes(50 * 1024 * 1024))
    data = bytearray(buffer.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("README.md")
    for offset in (info.header_offset + 22, data.rfind(b"PK\x01\x02") + 24):  # uncompressed size: claim 10 bytes
        data[offset : offset + 4] = (10).to_bytes(4, "little")
    start = time.process_time()
    package = from_archive(bytes(data))
    assert {p.code for p in package.problems} & {"archive-invalid"}
    assert time.process_time() - start < 1


# --- Markdown -----------------------------------------------------------------------------------------


def test_markdown_link_checking_is_bounded(server):
    hostile = README + "![" * (MAX_MARKDOWN_BYTES // 2 + 1)
    data = _package_with(**{"README.md": hostile})
    assert len(data) < 20 * 1024
    _assert_refused(server, data, "markdown-too-large")


# --- the budget itself ------------------------------------------------------------------------------------


def _spin() -> None:
    while True:
        pass


def _allocate() -> int:
    return len(bytearray(4 << 30))


def _twice(value: int) -> int:
    return value * 2


def test_budget_ends_work_past_its_time_and_memory_and_keeps_serving():
    pool = Pool(workers=1, seconds=1, memory=512 << 20)
    try:
        for work in (_spin, _allocate):
            start = time.monotonic()
            with pytest.raises(BudgetExceeded):
                pool.run(work)
            assert time.monotonic() - start < 30
        assert pool.run(_twice, 21, seconds=60) == 42  # a fresh worker took the killed one's place
    finally:
        pool.close()


# --- reads of the whole catalogue -----------------------------------------------------------------


def test_dcat_pages_asked_by_many_at_once_leave_health_fast(server):
    # a DCAT-AP page is rdflib's work on up to a hundred packages: made in the export worker, one at a time, the server
    # process only waits on a pipe (made in the server's threads, eight clients held its GIL: health took seconds)
    stop = threading.Event()
    answers: list[int] = []

    def asking(n: int) -> None:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            while not stop.is_set():
                answers.append(client.get(f"/api/v1/export/{'dcat.ttl' if n % 2 else 'dcat.jsonld'}").status_code)

    askers = [threading.Thread(target=asking, args=(n,)) for n in range(8)]
    for asker in askers:
        asker.start()
    try:
        time.sleep(1)  # all eight asking
        _, timings = _while_probing_health(server, lambda: httpx.get(server.url + "/api/v1/export/dcat.ttl", timeout=120))
    finally:
        stop.set()
        for asker in askers:
            asker.join()
    assert answers and set(answers) == {200}, answers
    assert statistics.median(timings) < HEALTH_LIMIT, timings
