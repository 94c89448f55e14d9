"""The growth benchmark's packages are valid and varied, and its versions really change (bench/realistic.py)."""

from __future__ import annotations

from bench import realistic
from bench.grow import published_versions, schedule
from hub.validate import PackageFiles, validate_package


def test_generated_versions_validate_and_differ() -> None:
    for i in (0, 5, 17):
        earlier: dict[str, bytes] | None = None
        for n in range(realistic.versions_of(i) + 1):
            files = realistic.package_files(i, n)
            result = validate_package(PackageFiles(files, folder_name=realistic.package_id(i).split("/")[1]))
            assert result.ok, [p.message for p in result.problems if not p.is_hint]
            assert result.manifest is not None and result.manifest.version == realistic.version_name(n)
            if earlier is not None:  # a new version changes the process, the first form, the config and the README
                changed = {path for path in files if files[path] != earlier.get(path)}
                assert {"README.md", "CHANGELOG.md", "konfiguration/einstellungen.yaml", "formulare/formular-1.schema.json"} <= changed
                assert any(path.endswith(".bpmn") for path in changed)
            earlier = files


def test_packages_do_not_share_their_files() -> None:
    packages = [realistic.package_files(i) for i in range(30)]
    for kind in ("README.md", "konfiguration/einstellungen.yaml"):
        assert len({p[kind] for p in packages}) == 30
    diagrams = [next(v for k, v in p.items() if k.endswith(".bpmn")) for p in packages]
    assert len(set(diagrams)) == 30
    assert len({len(d) for d in diagrams}) > 10  # sizes vary, not one template
    assert len({realistic.package_id(i) for i in range(5000)}) == 5000


def test_growth_schedule_publishes_each_version_once_in_order() -> None:
    pairs = published_versions(600)
    assert len(pairs) == len(set(pairs))
    seen: dict[int, int] = {}
    for i, n in pairs:
        assert seen.get(i, -1) == n - 1  # versions of a package come in order
        seen[i] = n
    assert all(seen[i] + 1 == realistic.versions_of(i) for i in range(600 - 211))
    assert schedule(0) == [(0, 0)]
