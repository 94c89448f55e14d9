"""Fetching a package repository into an adopter's repository, in-process.

Three ways in, one result (upstream branches under ``refs/remotes/hub/``, upstream tags under
``refs/transferhub/tags/``, and each tag also as ``refs/tags/<name>`` where the adopter has no
tag of that name yet):

* a **local path** (a bare repository such as ``<data>/git/<publisher>/<slug>.git``, or any git
  repository): libgit2's local transport;
* **smart** HTTP(S), SSH, ``git://`` (a package repository on a GitLab, for example): libgit2;
* **dumb** HTTP, which is what the hub and its static site serve (``info/refs``,
  ``objects/info/packs``, packs, loose objects). libgit2 does not speak it (it stops at the
  content type of ``info/refs``), so it is done here with plain GETs, like git's own
  "dumb walker": starting from the advertised refs, every object the adopter does not have yet
  is taken from a pack that contains it (found through the pack indexes) or fetched loose. The
  downloads land in a temporary bare repository that borrows the adopter's objects (git
  alternates); libgit2 then fetches from that folder with its local transport, which writes a
  fresh pack through its indexer and so checks every object id once more.

Upstream tags are kept in their own namespace because the adopter's ``refs/tags`` are the
adopter's: a tag there is never overwritten (a differing one is reported as a note).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import pygit2
from pygit2.enums import ObjectType

from hub.adopt.errors import UpstreamUnreachable

REMOTE = "hub"
UPSTREAM_HEADS = f"refs/remotes/{REMOTE}/"
UPSTREAM_TAGS = "refs/transferhub/tags/"
REFSPECS = [f"+refs/heads/*:{UPSTREAM_HEADS}*", f"+refs/tags/*:{UPSTREAM_TAGS}*"]
SMART_TYPE = "application/x-git-upload-pack-advertisement"
TIMEOUT = 60.0
MAX_DOWNLOAD = 512 * 1024 * 1024  # one file of a package repository; far above any real package
USER_AGENT = "transferhub-adopt/1"
_OID = re.compile(r"^[0-9a-f]{40}$")
_PACK = re.compile(r"^pack-[0-9a-f]{40}\.pack$")


class UpstreamMissing(UpstreamUnreachable):
    """The address answers, but there is no repository (``info/refs`` is 404, the folder does not exist)."""

    code = "upstream-missing"
    title = "Paket-Repository nicht gefunden"


@dataclass
class FetchReport:
    transport: str  # "local", "dumb-http" or "libgit2"
    refs: dict[str, str] = field(default_factory=dict)  # upstream ref name → object id, as fetched
    notes: list[str] = field(default_factory=list)


def local_path(url: str) -> Path | None:
    """The folder of a local source (a path or ``file://``), None for network addresses."""
    if url.startswith("file://"):
        return Path(unquote(urlparse(url).path))
    if "://" in url or re.match(r"^[\w.-]+@[\w.-]+:", url):  # URL or scp-like ssh address
        return None
    return Path(url)


def is_http(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def fetch(repo: pygit2.Repository, url: str) -> FetchReport:
    """Fetch every branch and tag of the package repository at ``url`` into ``repo`` (see the module text)."""
    path = local_path(url)
    if path is not None:
        if not path.exists():
            raise UpstreamMissing(f"Das Paket-Repository „{url}“ gibt es nicht (mehr).")
        report = FetchReport("local")
        _libgit2_fetch(repo, str(path.resolve()), url)
    elif is_http(url):
        advertised, smart = _probe(url)
        if smart:
            report = FetchReport("libgit2")
            _libgit2_fetch(repo, url, url)
        else:
            report = FetchReport("dumb-http")
            with dumb_mirror(repo, url, advertised) as mirror:
                _libgit2_fetch(repo, str(mirror), url)
    else:
        report = FetchReport("libgit2")
        _libgit2_fetch(repo, url, url)
    report.refs = {
        ref.removeprefix(UPSTREAM_TAGS): str(repo.references[ref].target) for ref in repo.references if ref.startswith(UPSTREAM_TAGS)
    }
    report.notes = _adopt_tags(repo)
    return report


def _libgit2_fetch(repo: pygit2.Repository, fetch_url: str, shown_url: str) -> None:
    millis = int(TIMEOUT * 1000)
    pygit2.settings.server_connect_timeout = millis
    pygit2.settings.server_timeout = millis
    remote = repo.remotes.create_anonymous(fetch_url)
    try:
        remote.fetch(REFSPECS, message=f"hub: Abgleich mit {shown_url}")
    except (pygit2.GitError, OSError, ValueError) as exc:
        raise UpstreamUnreachable(f"Das Paket-Repository „{shown_url}“ ließ sich nicht abrufen: {exc}") from None


def _adopt_tags(repo: pygit2.Repository) -> list[str]:
    """Mirror upstream tags into ``refs/tags`` where the name is free; report ones the adopter has differently."""
    notes = []
    for ref in sorted(r for r in repo.references if r.startswith(UPSTREAM_TAGS)):
        name = ref.removeprefix(UPSTREAM_TAGS)
        target = repo.references[ref].target
        local = repo.references.get(f"refs/tags/{name}")
        if local is None:
            repo.references.create(f"refs/tags/{name}", target)
        elif local.target != target:
            notes.append(f"Das lokale Tag „{name}“ zeigt auf etwas anderes als das Tag des Hubs; es bleibt, wie es ist.")
    return notes


# -- dumb HTTP ------------------------------------------------------------------------------


def _get(url: str, *, missing_ok: bool = False) -> tuple[bytes | None, str]:
    """GET ``url``: (body, content type); (None, "") for a 404 where ``missing_ok``."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            body = response.read(MAX_DOWNLOAD + 1)
            if len(body) > MAX_DOWNLOAD:
                raise UpstreamUnreachable(f"„{url}“ ist größer als {MAX_DOWNLOAD // (1024 * 1024)} MB; das ist kein Paket-Repository.")
            return body, response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        if exc.code == 404 and missing_ok:
            return None, ""
        raise UpstreamUnreachable(f"„{url}“ antwortet mit HTTP {exc.code} ({exc.reason}).") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UpstreamUnreachable(f"„{url}“ ist nicht erreichbar: {reason}.") from None


def _probe(url: str) -> tuple[dict[str, str], bool]:
    """Ask like git does (``info/refs?service=git-upload-pack``): a smart server says so in the content type."""
    body, content_type = _get(f"{url.rstrip('/')}/info/refs?service=git-upload-pack", missing_ok=True)
    if body is None:
        raise UpstreamMissing(f"Unter „{url}“ liegt kein Paket-Repository (info/refs fehlt).")
    if content_type == SMART_TYPE:
        return {}, True
    return parse_info_refs(body, url), False


def parse_info_refs(body: bytes, url: str) -> dict[str, str]:
    """``info/refs`` of the dumb protocol: ``<oid>\\t<name>`` per line; peeled lines (``^{}``) are skipped."""
    refs: dict[str, str] = {}
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError:
        raise UpstreamUnreachable(f"„{url}/info/refs“ ist keine Ref-Liste eines Git-Repositorys.") from None
    for line in text.splitlines():
        if not line.strip():
            continue
        oid, _, name = line.partition("\t")
        if not _OID.match(oid) or not name.startswith("refs/"):
            raise UpstreamUnreachable(f"„{url}/info/refs“ ist keine Ref-Liste eines Git-Repositorys.")
        if not name.endswith("^{}") and (name.startswith(("refs/heads/", "refs/tags/"))):
            refs[name] = oid
    return refs


def parse_pack_index(data: bytes) -> set[str]:
    """The object ids in a pack index (version 2, or the old version 1)."""
    if data[:4] == b"\xfftOc":
        if int.from_bytes(data[4:8], "big") != 2:
            raise ValueError("unbekannte Version des Pack-Index")
        fanout, start, stride, skip = 8, 8 + 1024, 20, 0
    else:
        fanout, start, stride, skip = 0, 1024, 24, 4
    count = int.from_bytes(data[fanout + 1020 : fanout + 1024], "big")
    end = start + count * stride
    if len(data) < end + 40:
        raise ValueError("Pack-Index ist abgeschnitten")
    return {data[i + skip : i + skip + 20].hex() for i in range(start, end, stride)}


class _DumbRemote:
    """The files of a repository on a static web server, read on demand."""

    def __init__(self, url: str, mirror: Path) -> None:
        self.url = url.rstrip("/")
        self.mirror = mirror
        self._indexes: dict[str, set[str]] | None = None
        self._downloaded: set[str] = set()

    def packs(self) -> dict[str, set[str]]:
        """Pack name → the ids it holds (every pack's index, fetched once)."""
        if self._indexes is None:
            self._indexes = {}
            body, _ = _get(f"{self.url}/objects/info/packs", missing_ok=True)
            for line in (body or b"").decode("ascii", "replace").splitlines():
                name = line[2:].strip() if line.startswith("P ") else ""
                if not _PACK.match(name):
                    continue
                idx_name = name.removesuffix(".pack") + ".idx"
                data, _ = _get(f"{self.url}/objects/pack/{idx_name}")
                try:
                    self._indexes[name] = parse_pack_index(data or b"")
                except ValueError as exc:
                    raise UpstreamUnreachable(f"„{self.url}/objects/pack/{idx_name}“ ist kein lesbarer Pack-Index: {exc}.") from None
                (self.mirror / "objects" / "pack" / f".{idx_name}").write_bytes(data or b"")  # kept aside until the pack is there
        return self._indexes

    def obtain(self, oid: str) -> bool:
        """Put ``oid`` into the mirror: download the pack that holds it, or the loose object. True if a pack came."""
        for name, ids in self.packs().items():
            if oid in ids and name not in self._downloaded:
                data, _ = _get(f"{self.url}/objects/pack/{name}")
                pack_dir = self.mirror / "objects" / "pack"
                idx_name = name.removesuffix(".pack") + ".idx"
                (pack_dir / name).write_bytes(data or b"")
                os.replace(pack_dir / f".{idx_name}", pack_dir / idx_name)  # index after pack: readers never see a lone index
                self._downloaded.add(name)
                return True
        compressed, _ = _get(f"{self.url}/objects/{oid[:2]}/{oid[2:]}", missing_ok=True)
        if compressed is None:
            raise UpstreamUnreachable(
                f"Dem Paket-Repository „{self.url}“ fehlt das Objekt {oid} (wird es gerade neu geschrieben? Bitte später noch einmal versuchen)."
            )
        kind, content = _inflate_loose(compressed, oid, self.url)
        repo = pygit2.Repository(str(self.mirror))
        repo.odb.write(kind, content)
        return False


_LOOSE_TYPES = {b"commit": ObjectType.COMMIT, b"tree": ObjectType.TREE, b"blob": ObjectType.BLOB, b"tag": ObjectType.TAG}


def _inflate_loose(compressed: bytes, oid: str, url: str) -> tuple[int, bytes]:
    """A loose object's type and content, checked against its id (never trusted as sent)."""
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(compressed, MAX_DOWNLOAD + 64)
    except zlib.error:
        raw = b""
    header, _, content = raw.partition(b"\0")
    kind_name, _, size = header.partition(b" ")
    if (
        kind_name not in _LOOSE_TYPES
        or not size.isdigit()
        or int(size) != len(content)
        or inflater.unconsumed_tail
        or hashlib.sha1(raw).hexdigest() != oid
    ):
        raise UpstreamUnreachable(f"Das Objekt {oid} aus „{url}“ ist beschädigt.")
    return _LOOSE_TYPES[kind_name], content


@contextlib.contextmanager
def dumb_mirror(repo: pygit2.Repository, url: str, refs: dict[str, str]) -> Iterator[Path]:
    """A temporary bare repository with ``refs`` and every object they reach that ``repo`` lacks."""
    with tempfile.TemporaryDirectory(prefix="hub-adopt-") as tmp:
        path = Path(tmp) / "mirror.git"
        pygit2.init_repository(str(path), bare=True)
        objects = (Path(repo.path) / "objects").resolve()
        (path / "objects" / "info" / "alternates").write_text(f"{objects}\n")
        remote = _DumbRemote(url, path)
        own = repo.odb
        mirror = pygit2.Repository(str(path))
        seen: set[str] = set()
        stack = list(dict.fromkeys(refs.values()))
        while stack:
            oid = stack.pop()
            if oid in seen:
                continue
            seen.add(oid)
            if own.exists(oid):  # the adopter has it, and (as every git repository) all it reaches
                continue
            if not mirror.odb.exists(oid):
                if remote.obtain(oid):
                    mirror = pygit2.Repository(str(path))  # sees the new pack
                if not mirror.odb.exists(oid):
                    raise UpstreamUnreachable(f"Dem Paket-Repository „{url}“ fehlt das Objekt {oid}.")
            stack.extend(_children(mirror, oid))
        lines = ["# pack-refs with: peeled sorted \n"] + [f"{oid} {name}\n" for name, oid in sorted(refs.items())]
        (path / "packed-refs").write_text("".join(lines))
        yield path


def _children(repo: pygit2.Repository, oid: str) -> list[str]:
    kind, _ = repo.odb.read_header(oid)
    if kind == ObjectType.BLOB:
        return []
    obj = repo[oid]
    if isinstance(obj, pygit2.Commit):
        return [str(obj.tree_id), *(str(p) for p in obj.parent_ids)]
    if isinstance(obj, pygit2.Tree):
        return [str(entry.id) for entry in obj if entry.filemode != pygit2.enums.FileMode.COMMIT]  # no submodule commits
    if isinstance(obj, pygit2.Tag):
        return [str(obj.target)]
    return []
