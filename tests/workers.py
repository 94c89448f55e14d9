"""Publishing workers that run in child processes (concurrency and crash tests).

Run as ``python -m tests.workers MODE REPO PACKAGE_ID [COUNT]``; prints one line
``published <version> <commit>`` per version, flushed once the publish returned.
"""

from __future__ import annotations

import sys

from hub.errors import HubError, VersionExists
from hub.store import Catalog, publish
from hub.store.versions import version_key
from hub.validate import PackageFiles
from tests.factory import package_files


def next_version(catalog: Catalog, package_id: str) -> str:
    try:
        latest = catalog.versions(package_id)[0].version
    except (HubError, IndexError):  # no version yet (an empty catalogue, an unknown package)
        return "1.0.0"
    v = version_key(latest)
    return f"{v.major}.{v.minor}.{v.patch + 1}"


def publish_versions(repo: str, package_id: str, versions: list[str]) -> list[tuple[str, str]]:
    catalog = Catalog.open(repo)
    done = []
    for version in versions:
        files = package_files(package_id, version, files={"README.md": f"# {package_id} {version}\n\n## Problem\nx\n"})
        result = publish(catalog, PackageFiles(files, folder_name=package_id.split("/")[1]))
        done.append((result.version, result.commit))
    return done


def main(argv: list[str]) -> None:
    mode, repo, package_id = argv[:3]
    catalog = Catalog.open(repo)
    if mode == "forever":  # crash test: publish until killed
        print("ready", flush=True)
        while True:
            version = next_version(catalog, package_id)
            files = package_files(package_id, version, files={"README.md": f"# {version}\n\n## Problem\nx\n"})
            try:
                result = publish(catalog, PackageFiles(files, folder_name=package_id.split("/")[1]))
            except VersionExists:
                continue
            print(f"published {result.version} {result.commit}", flush=True)
    elif mode == "count":
        count = int(argv[3])
        for version, commit in publish_versions(repo, package_id, [f"1.{i}.0" for i in range(count)]):
            print(f"published {version} {commit}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
