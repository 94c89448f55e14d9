"""The parts a hub works with over one data folder, opened once: catalogue, search index, tokens.

``catch_up`` brings what is derived from the catalogue (the search index and the clone
exports) to the catalogue's HEAD. Every write calls it (through ``hub.usecases``), and
every running server calls it when it sees HEAD move (``hub.web.follow``), whoever moved
it. Processes over one data folder take turns through a lock file per part (index,
exports); whoever comes second finds that part current and does nothing.

A publish in a process that follows HEAD (``hub serve``: ``followed``) waits only for the
index (``after_write``): the search right after the answer finds the new version, and one
index sync covers every commit made meanwhile by the other publishing threads. The clone
exports follow after the answer, in the follower's next step.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Self

import pygit2

from hub.accounts import AccountStore, SignInThrottle
from hub.config import HubConfig
from hub.errors import CatalogError, PackageNotFound, ReadOnlyReplica
from hub.index import Index, SyncReport
from hub.index.index import changed_packages
from hub.maturity import index_levels
from hub.model import Actor
from hub.sessions import SessionStore
from hub.settings import environment
from hub.store import Catalog, ensure_seeded, repair_tags
from hub.store.catalog import TAG_PREFIX, parse_trailers, tag_name
from hub.store.export import export_all, export_dir, export_package
from hub.store.records import actor_for
from hub.store.snapshot import step_hint
from hub.tokens import TokenRecord, TokenStore

INDEX_LOCK = ".index.lock"  # in the data folder: one process at a time brings the search index to HEAD
EXPORTS_LOCK = ".exports.lock"  # and one the clone exports
EXPORTS_STATE = ".synced"  # in the exports folder: the catalogue commit the exports reflect
REPLICA = "replica.json"  # in the data folder of a read replica (hub serve --follow): {"primary": url}


def replica_primary(data_dir: Path) -> str | None:
    """The primary's address if the data folder belongs to a read replica, else None."""
    try:
        value = json.loads((data_dir / REPLICA).read_text(encoding="utf-8")).get("primary")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, AttributeError):
        raise CatalogError(f"„{data_dir / REPLICA}“ ist unlesbar; es sollte die Adresse des Primär-Hubs nennen.") from None
    if not isinstance(value, str) or not value:
        raise CatalogError(f"„{data_dir / REPLICA}“ nennt keine Adresse des Primär-Hubs.")
    return value


def mark_replica(data_dir: Path, primary: str | None) -> None:
    """Make the data folder a read replica of ``primary`` (None: a hub that takes writes again)."""
    path = data_dir / REPLICA
    if primary is None:
        path.unlink(missing_ok=True)
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{REPLICA}.{os.getpid()}")
    temporary.write_text(json.dumps({"primary": primary}) + "\n", encoding="utf-8")
    os.replace(temporary, path)


@contextmanager
def data_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes and threads (``flock`` on ``path``; released when the holder dies)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:  # a descriptor of its own per holder: flock then also excludes threads
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Services:
    """Index and tokens open on first use: a command that is refused before it writes touches neither file."""

    def __init__(self, config: HubConfig, catalog: Catalog) -> None:
        self.config = config
        self.catalog = catalog
        # a follower (hub.web.follow) brings exports along after every new HEAD: a write's answer need not wait for them
        self.followed = False

    @cached_property
    def primary(self) -> str | None:
        """The primary hub's address when this data folder is a read replica (``hub serve --follow``)."""
        return replica_primary(self.config.data_dir)

    def writable(self) -> None:
        """Every write use case asks first: a read replica refuses (its catalogue only follows the primary's)."""
        if self.primary is not None:
            raise ReadOnlyReplica(self.primary)

    @cached_property
    def index(self) -> Index:
        return Index(self.config.index_path)

    @cached_property
    def tokens(self) -> TokenStore:
        return TokenStore(self.config.tokens_path, self.catalog.publisher)  # tokens only for registered organisations

    @cached_property
    def accounts(self) -> AccountStore:
        return AccountStore(self.config.accounts_path, self.catalog.publisher)  # accounts only for registered organisations

    @cached_property
    def sessions(self) -> SessionStore:
        settings = environment()
        return SessionStore(self.config.accounts_path, idle=settings.session_idle_minutes * 60, absolute=settings.session_max_hours * 3600)

    @cached_property
    def account_throttle(self) -> SignInThrottle:
        """Failed sign-ins per e-mail address: three free, then 1 s, 2 s, 4 s … up to 15 minutes."""
        return SignInThrottle(self.config.accounts_path, free=3)

    @cached_property
    def address_throttle(self) -> SignInThrottle:
        """Failed sign-ins per client address: more free (a town hall shares one address), then the same growth."""
        return SignInThrottle(self.config.accounts_path, free=20)

    @classmethod
    def open(cls, config: HubConfig) -> Services:
        """For a server: seed a fresh catalogue, restore tags lost in a crash, catch up.

        A data folder whose clone exports were never made (a first start) gets none here: every package's export
        is the longest part of a first start and no answer needs it. A server's follower makes them behind its
        first answers (``hub.web.follow``), a clone asked for before then exports its package on the spot
        (``hub.api.controllers.git``), and the first write's catch-up makes them where nobody follows."""
        services = cls.attach(config)
        services.repair()
        services.catch_up(every_export=False)
        return services

    def repair(self) -> None:
        """Restore the tags of publishes whose writer died between moving ``main`` and tagging (``repair_tags``)."""
        repair_tags(self.catalog)

    @classmethod
    def attach(cls, config: HubConfig) -> Services:
        """For one command: the data folder as it is (a fresh one is created and seeded)."""
        fresh = not (config.catalog_path / "HEAD").exists()
        catalog = Catalog.create(config.catalog_path)
        if fresh and config.seed and replica_primary(config.data_dir) is None:  # a replica's catalogue comes from its primary
            ensure_seeded(catalog)
        return cls(config, catalog)

    def close(self) -> None:
        """Close the index file if it was opened (SQLite then removes its WAL files)."""
        if "index" in self.__dict__:
            self.__dict__.pop("index").close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def head(self) -> str | None:
        head = self.catalog.head()
        return None if head is None else str(head.id)

    def catch_up(self, *, every_export: bool = True) -> str | None:
        """Bring index and clone exports to HEAD; return the commit they now reflect.

        ``every_export=False``: where the exports were never made (or follow no known commit), leave the export of
        every package for later (:meth:`exports_made` stays false), and with it the version store's record (both under
        the exports' lock, which a first start must not wait for); the index catches up all the same."""
        head = self.catalog.head()
        self._await_tag(head)
        self._sync_index(complete=True)
        if every_export or self.exports_made():
            with data_lock(self.config.data_dir / EXPORTS_LOCK):
                # the next process reads versions from there, not from every tag; and the exports read each version's
                # folder from there (hub.store.export.plan_export), so it is brought to the head first
                self.catalog.record_versions()
                self._sync_exports(head, every_export=every_export)
        return None if head is None else str(head.id)

    def exports_made(self) -> bool:
        """Whether the clone exports were made once (from then on a catch-up exports only the packages that changed)."""
        return (self.config.git_path / EXPORTS_STATE).is_file()

    def sync_index(self, *, later: bool = False) -> SyncReport:
        """Bring the search index alone to HEAD (``hub serve``'s first start answers after this; the exports follow).

        ``later``: a rebuild leaves the maturity levels and the API's stored answers to the next catch-up
        (``Index.sync(later=True)``; the follower's first step of a first start)."""
        self._await_tag(self.catalog.head())
        return self._sync_index(later=later)

    def after_write(self) -> str | None:
        """What the answer to a write waits for: the index at HEAD (a search right after it finds the write); the
        clone exports too, unless a follower brings them along after the answer. Returns the commit the index reflects."""
        if not self.followed:
            return self.catch_up()
        self._await_tag(self.catalog.head())
        return self._sync_index().commit

    def _sync_index(self, *, later: bool = False, complete: bool = False) -> SyncReport:
        with data_lock(self.config.data_dir / INDEX_LOCK):
            report = self.index.sync(self.catalog, maturity=index_levels, later=later)
        # what a first start's rebuild left for later (levels and stored answers; one read when nothing), a chunk of
        # packages per turn of the lock: a publish's sync meanwhile waits for one chunk, not for all of them
        while complete and self.index.pending:
            with data_lock(self.config.data_dir / INDEX_LOCK):
                if self.index.complete(self.catalog, maturity=index_levels, chunks=1):
                    break
        return report

    def _await_tag(self, head: pygit2.Commit | None, patience: float = 5.0) -> None:
        """A publish moves ``main`` first and tags right after; the exports are built from the tags, so wait for it.

        Seen from another process (a server following HEAD), the tag may be a moment behind the
        branch. A writer that died in between leaves no tag; ``repair_tags`` restores it at the next start.
        """
        if head is None:
            return
        trailers = parse_trailers(head.message)
        if trailers.get("Hub-Action") != "publish" or "Hub-Package" not in trailers or "Hub-Version" not in trailers:
            return
        ref = TAG_PREFIX + tag_name(trailers["Hub-Package"], trailers["Hub-Version"])
        deadline = time.monotonic() + patience
        while self.catalog.repo.references.get(ref) is None and time.monotonic() < deadline:
            time.sleep(0.01)

    def _sync_exports(self, head: pygit2.Commit | None, *, every_export: bool = True) -> None:
        """Export only the packages whose folder changed since the commit the exports reflect (every package where
        they reflect none; with ``every_export`` false, none then)."""
        root = self.config.git_path
        state = root / EXPORTS_STATE
        done = state.read_text().strip() if state.is_file() else ""
        target = "" if head is None else str(head.id)
        if done == target:
            return
        repo = self.catalog.repo
        try:
            old = repo[done].peel(pygit2.Commit) if done and head is not None else None
        except (KeyError, ValueError, pygit2.GitError):
            old = None
        if head is None:
            changed: list[str] = []
        elif old is None:
            if not every_export:
                return
            export_all(self.catalog, root)
            changed = []
        else:
            changed = changed_packages(repo, old.tree, head.tree, hint=step_hint(old, head))
        for package_id in changed:
            try:
                export_package(self.catalog, package_id, export_dir(root, package_id))
            except PackageNotFound:  # gone from the catalogue: its export goes too
                shutil.rmtree(export_dir(root, package_id), ignore_errors=True)
        root.mkdir(parents=True, exist_ok=True)
        temporary = state.with_name(f"{EXPORTS_STATE}.{os.getpid()}.{threading.get_ident()}")
        temporary.write_text(target)
        os.replace(temporary, state)

    def actor(self, token: TokenRecord) -> Actor:
        """The organisation behind a token, as commit author."""
        return actor_for(self.catalog, token.org)
