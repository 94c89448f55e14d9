"""The search index (hub.index) on real git catalogues: text analysis, facets, sorts, cursors, sync."""

from __future__ import annotations

import base64
import sqlite3
import threading
from datetime import datetime, timedelta, timezone

import msgspec
import pygit2
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.errors import BadRequest
from hub.index import FACETS, Index, SearchResult
from hub.index.index import _matching_terms
from hub.index.text import fold, match_quality
from hub.store import Catalog, publish
from hub.store.catalog import BRANCH
from hub.store.trees import replace_path
from hub.validate import PackageFiles
from tests.factory import make_catalog, package_files

BPMN = {"path": "prozess/ablauf.bpmn", "kind": "process-model", "format": "bpmn", "title": "Ablauf"}
FORM = {"path": "formulare/antrag.schema.json", "kind": "form-schema", "format": "json-schema", "title": "Antrag"}
CONFIG = {
    "path": "konfiguration/termine.yaml",
    "kind": "config",
    "format": "yaml",
    "title": "Termine",
    "schema": "schemas/termine.schema.json",
}
README = {"path": "README.md", "kind": "document", "format": "markdown", "title": "Beschreibung"}
START = datetime(2024, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=1)))


def spec(
    package_id: str,
    name: str,
    *,
    version: str = "1.0.0",
    summary: str = "Eine bewährte Lösung.",
    description: str = "Im Betrieb erprobt und bewährt.",
    keywords: list[str] | None = None,
    themenfeld: str = "Querschnittsleistungen",
    leika: list[str] | None = None,
    license: str = "EUPL-1.2",
    status: str = "stable",
    artefacts: list[dict] | None = None,
) -> dict:
    return {
        "package_id": package_id,
        "version": version,
        "name": name,
        "summary": {"de": summary},
        "description": {"de": description},
        "keywords": keywords or ["Verwaltung"],
        "classification": {"themenfeld": themenfeld, "leika": leika or [], "categories": ["online-antrag"]},
        "license": license,
        "status": {"development": status, "production": {"since": "2021-03", "cases_per_year": 100}},
        "artefacts": artefacts or [BPMN, FORM, CONFIG],
    }


SPECS = [
    spec(
        "stadt-paderborn/gewerbeanmeldung",
        "Digitale Gewerbeanmeldung",
        keywords=["GewA 1", "XGewerbeanzeige"],
        summary="Gewerbeanmeldung vollständig online mit Weiterleitung.",
        themenfeld="Unternehmensführung & -entwicklung",
        leika=["99050012104000"],
        artefacts=[BPMN, FORM, CONFIG, README],
    ),
    spec(
        "stadt-bielefeld/buergerbuero",
        "Terminvergabe im Bürgerbüro",
        keywords=["Termine", "Warteschlange"],
        summary="Termine für das Bürgerbüro online buchen.",
        leika=["99115001000000"],
        license="Apache-2.0",
        status="beta",
        artefacts=[BPMN, CONFIG],
    ),
    spec(
        "kreis-paderborn/hundesteuer",
        "Hundesteuer online",
        keywords=["Steuermarke"],
        summary="Hunde online anmelden und abmelden.",
        description="Die Anmeldung des Hundes erfolgt ohne Papier; das Gewerbe spielt keine Rolle.",
        themenfeld="Steuern & Zoll",
        license="MIT",
        status="development",
        artefacts=[FORM],
    ),
    spec(
        "stadt-delbrueck/wohnsitz",
        "Anmeldung der Wohnung",
        keywords=["Meldewesen", "Umzug"],
        summary="Wohnsitz nach einem Umzug anmelden.",
        leika=["99115001000000", "99115002000000"],
        artefacts=[BPMN, FORM],
    ),
    spec(
        "stadt-bielefeld/bewohnerparken",
        "Bewohnerparkausweis",
        keywords=["Parken"],
        summary="Parkausweise für Anwohner beantragen.",
        themenfeld="Mobilität & Reisen",
        status="obsolete",
        artefacts=[README],
    ),
    spec(
        "stadt-paderborn/kita",
        "Kita-Platzvergabe",
        keywords=["Kindertagesstätte"],
        summary="Kitaplätze zentral vergeben.",
        themenfeld="Familie & Kind",
        license="Apache-2.0",
        artefacts=[BPMN, FORM, CONFIG],
    ),
    spec(
        "stadt-paderborn/e-akte",
        "Einführung der E-Akte",
        keywords=["Dokumentenmanagement"],
        summary="Die elektronische Akte für alle Ämter.",
        license="CC-BY-4.0",
        status="beta",
        artefacts=[README],
    ),
    spec(
        "bezirksregierung-detmold/foerderung",
        "Förderanträge digital",
        keywords=["Zuwendung"],
        summary="Förderanträge der Kommunen digital prüfen.",
        themenfeld="Forschung & Förderung",
        license="DL-DE-BY-2.0",
        status="concept",
        artefacts=[FORM, README],
    ),
]
IDS = [s["package_id"] for s in SPECS]


def publish_spec(catalog: Catalog, data: dict, when: datetime | None = None) -> str:
    data = dict(data)
    package_id = data.pop("package_id")
    version = data.pop("version")
    files = package_files(package_id, version, **data)
    return publish(catalog, PackageFiles(files, folder_name=package_id.split("/")[1]), when=when).commit


def build_catalog(path, specs=SPECS) -> Catalog:
    catalog = Catalog.create(path / "catalog.git")
    for i, data in enumerate(specs):
        publish_spec(catalog, data, when=START + timedelta(days=i))
    return catalog


def remove_package(catalog: Catalog, package_id: str) -> None:
    repo = catalog.repo
    head = catalog.head()
    tree = replace_path(repo, head.tree, f"packages/{package_id}".split("/"), None)
    sig = pygit2.Signature("Test", "test@example.org")
    repo.create_commit(BRANCH, sig, sig, f"{package_id} entfernt\n", tree, [head.id])


def ids(result: SearchResult) -> list[str]:
    return [hit.id for hit in result.items]


def counts(result: SearchResult, facet: str) -> dict[str, int]:
    return {v.value: v.count for v in result.facets[facet]}


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One catalogue and index for the read-only tests (searches do not change anything)."""
    tmp = tmp_path_factory.mktemp("index")
    catalog = build_catalog(tmp)
    index = Index(tmp / "index.sqlite")
    index.sync(catalog)
    yield catalog, index
    index.close()


@pytest.fixture
def index(shared) -> Index:
    return shared[1]


# -- German text ---------------------------------------------------------------------------------


def test_plural_finds_singular(index):
    assert "stadt-delbrueck/wohnsitz" in ids(index.search("Anmeldungen"))
    assert ids(index.search("Wohnungen")) == ["stadt-delbrueck/wohnsitz"]


def test_compound_head_finds_compound(index):
    # „Gewerbe“ → gewerb* finds „Gewerbeanmeldung“; the description-only mention ranks below
    assert ids(index.search("Gewerbe"))[0] == "stadt-paderborn/gewerbeanmeldung"
    assert set(ids(index.search("Gewerbe"))) == {"stadt-paderborn/gewerbeanmeldung", "kreis-paderborn/hundesteuer"}


def test_compound_tail_finds_compound(index):
    # „Anmeldung“ finds „Gewerbeanmeldung“ through the compound tails of name, keywords and summary
    found = ids(index.search("anmeldung"))
    assert {"stadt-delbrueck/wohnsitz", "stadt-paderborn/gewerbeanmeldung", "kreis-paderborn/hundesteuer"} <= set(found)
    assert found[0] == "stadt-delbrueck/wohnsitz"  # the name match first, the tail of a compound below
    assert "stadt-bielefeld/buergerbuero" in ids(index.search("vergabe"))  # Terminvergabe


@pytest.mark.parametrize("query", ["Bürgerbüro", "Buergerbuero", "Burgerburo", "BÜRGERBÜRO", "bürgerbüros"])
def test_umlauts_are_folded(index, query):
    assert ids(index.search(query)) == ["stadt-bielefeld/buergerbuero"]


def test_diacritics_and_sharp_s(index):
    assert ids(index.search("Forderantrage")) == ["bezirksregierung-detmold/foerderung"]
    assert ids(index.search("FÖRDERANTRÄGE")) == ["bezirksregierung-detmold/foerderung"]


def test_all_terms_must_match(index):
    assert ids(index.search("Hunde Steuermarke")) == ["kreis-paderborn/hundesteuer"]
    assert index.search("Hunde Kita").total == 0


def test_name_outranks_description(index):
    result = index.search("Gewerbe")
    scores = [hit.score for hit in result.items]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[1] > 0
    assert result.sort == "relevance"


def test_function_words_are_ignored_unless_alone(index):
    assert ids(index.search("die Anmeldung der Wohnung")) == ids(index.search("Anmeldung Wohnung")) == ["stadt-delbrueck/wohnsitz"]
    assert ids(index.search("zu")) == [
        "bezirksregierung-detmold/foerderung"
    ]  # only function words: searched as they are („zu“ → Zuwendung)


def test_search_by_leika_key_and_publisher_name(index):
    assert ids(index.search("99050012104000")) == ["stadt-paderborn/gewerbeanmeldung"]
    assert set(ids(index.search("Delbrueck"))) == {"stadt-delbrueck/wohnsitz"}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_candidates_find_exactly_what_the_definition_matches(shared, data):
    # the index tests only candidates (bisection, text search); the result must be the definition's on every term
    _catalog, index = shared
    vocabulary = index._terms(index._conn(), index._current(index._conn()).generation)
    word = data.draw(st.sampled_from(vocabulary.terms))
    i = data.draw(st.integers(0, len(word)))
    edit = data.draw(st.sampled_from(["drop", "add", "swap", "cut", "same"]))
    letter = data.draw(st.sampled_from("abehilnorstuz"))
    term = {
        "drop": word[:i] + word[i + 1 :],
        "add": word[:i] + letter + word[i:],
        "swap": word[:i] + word[i + 1 : i + 2] + word[i : i + 1] + word[i + 2 :],
        "cut": word[: max(i, 2)],
        "same": word,
    }[edit]
    for typo in (True, False):
        expected = sorted((v, q) for v in vocabulary.terms if (q := match_quality(term, v, typo)))
        assert sorted(_matching_terms(vocabulary, term, typo)) == expected


HOSTILE = [
    '"',
    '""',
    "*",
    "**",
    "NEAR(",
    "NEAR(a b, 2)",
    "a:b",
    "name:Kita",
    "{name}: Kita",
    "-",
    "- Kita",
    "Kita -Hund",
    "+",
    "^Kita",
    "AND",
    "OR",
    "NOT",
    "Kita AND",
    "OR Kita",
    "(",
    ")",
    "((Kita",
    "Kita)",
    "'",
    "';--",
    "'; DROP TABLE packages; --",
    "\x00",
    "Kita\x00Hund",
    "🙂",
    "🙂 Kita",
    "ℌ𝔲𝔫𝔡",
    "\u0301",
    "a\u0308",
    "ß",
    "İ",
    "Ǆ",
    "\ufeff",
    "\u200b",
    " ",
    "\t\n",
    "x" * 5000,
    "Kita " * 300,
    "%",
    "_",
    "\\",
    "/",
    "[Kita]",
    "Kita*",
    "*Kita",
    "K*ta",
    '"Kita',
    'Kita"',
    "rank:1",
    "rowid=1",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(index, query):
    result = index.search(query)
    assert len(result.items) <= result.total <= index.search("").total  # never more hits than packages
    for sort in ("name", "updated", "maturity"):
        assert index.search(query, sort=sort, limit=1).total == result.total  # the order changes, the hits do not


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_string_is_a_valid_query(index, query):
    result = index.search(query, {"license": ["EUPL-1.2"]})
    assert 0 <= len(result.items) <= result.total <= 3


def test_blank_or_punctuation_query_lists_everything(index):
    assert index.search("").total == len(SPECS)
    assert index.search("  *** ").total == len(SPECS)
    assert index.search(None).total == len(SPECS)


# -- facets and filters ------------------------------------------------------------------------------


def test_facets_and_counts(index):
    result = index.search(None)
    assert set(result.facets) == set(FACETS)
    assert counts(result, "license") == {"EUPL-1.2": 3, "Apache-2.0": 2, "MIT": 1, "CC-BY-4.0": 1, "DL-DE-BY-2.0": 1}
    assert counts(result, "themenfeld")["Querschnittsleistungen"] == 3
    assert counts(result, "leika") == {"99115001000000": 2, "99115002000000": 1, "99050012104000": 1}
    assert counts(result, "publisher") == {
        "stadt-paderborn": 3,
        "stadt-bielefeld": 2,
        "kreis-paderborn": 1,
        "stadt-delbrueck": 1,
        "bezirksregierung-detmold": 1,
    }
    assert counts(result, "artefact_kind") == {"process-model": 4, "form-schema": 5, "config": 3, "document": 4}
    assert counts(result, "maturity_level") == {"none": len(SPECS)}
    # status in its natural order, with German labels
    status = result.facets["status"]
    assert [v.value for v in status] == ["concept", "development", "beta", "stable", "obsolete"]
    assert {v.value: v.label for v in status}["beta"] == "Pilotbetrieb"
    publisher = {v.value: v.label for v in result.facets["publisher"]}
    assert publisher["stadt-paderborn"] == "Stadt Stadt-Paderborn"
    # by count, then alphabetically
    assert [v.value for v in result.facets["license"]][:2] == ["EUPL-1.2", "Apache-2.0"]


def test_facet_counts_follow_the_query(index):
    result = index.search("anmelden")
    assert set(ids(result)) == {"stadt-paderborn/gewerbeanmeldung", "kreis-paderborn/hundesteuer", "stadt-delbrueck/wohnsitz"}
    assert result.total == sum(counts(result, "themenfeld").values()) == 3
    assert counts(result, "license") == {"EUPL-1.2": 2, "MIT": 1}


def test_filters_narrow_and_across_or_within(index):
    eupl = index.search(None, {"license": ["EUPL-1.2"]})
    assert eupl.total == 3
    both = index.search(None, {"license": ["EUPL-1.2", "MIT"]})
    assert both.total == 4  # OR within a facet
    narrowed = index.search(None, {"license": ["EUPL-1.2", "MIT"], "status": ["stable"]})
    assert set(ids(narrowed)) == {"stadt-paderborn/gewerbeanmeldung", "stadt-delbrueck/wohnsitz"}  # AND across facets
    multi = index.search(None, {"leika": ["99115001000000"], "artefact_kind": ["config"]})
    assert ids(multi) == ["stadt-bielefeld/buergerbuero"]
    with_text = index.search("anmelden", {"themenfeld": ["Steuern & Zoll"]})
    assert ids(with_text) == ["kreis-paderborn/hundesteuer"]


def test_facet_counts_are_disjunctive(index):
    result = index.search(None, {"license": ["MIT"], "status": ["stable", "beta"]})
    assert result.total == 0
    # licence counted under the status filter only, status under the licence filter only
    assert counts(result, "license") == {"EUPL-1.2": 2, "Apache-2.0": 2, "CC-BY-4.0": 1, "MIT": 0}
    assert counts(result, "status") == {"development": 1, "beta": 0, "stable": 0}
    selected = {v.value for v in result.facets["status"] if v.selected}
    assert selected == {"stable", "beta"}  # selected values stay listed (at 0) to be unselected
    # facets without a filter are counted under all filters
    assert counts(result, "themenfeld") == {}


def test_unknown_filter_value_matches_nothing_unknown_facet_is_refused(index):
    assert index.search(None, {"license": ["WTFPL"]}).total == 0
    assert index.search(None, {"license": []}).total == len(SPECS)  # an empty list is no filter
    with pytest.raises(BadRequest) as caught:
        index.search(None, {"colour": ["blau"]})
    assert "colour" in caught.value.detail and "filtern" in caught.value.detail


# -- sorting and pagination -------------------------------------------------------------------------


def test_sort_by_name(index):
    result = index.search(None, sort="name", limit=100)
    names = [hit.name for hit in result.items]
    assert names == sorted(names, key=fold)  # case and diacritics folded: „Förderanträge“ among the F
    assert names[0] == "Anmeldung der Wohnung"


def test_sort_by_updated_newest_first(index):
    result = index.search(None, sort="updated", limit=100)
    assert ids(result) == list(reversed(IDS))  # published one day apart, in SPECS order
    assert result.items[0].updated == (START + timedelta(days=len(SPECS) - 1)).isoformat()


def test_sort_by_relevance_without_text_is_by_maturity(index):
    result = index.search(None)
    assert result.sort == "maturity" and all(hit.score is None for hit in result.items)


@pytest.mark.parametrize("sort", ["relevance", "name", "updated", "maturity"])
@pytest.mark.parametrize(
    "query,filters", [(None, {}), ("online", {}), ("anmelden", {"license": ["EUPL-1.2", "MIT"]}), (None, {"status": ["stable", "beta"]})]
)
def test_cursor_pagination_returns_every_item_once(index, sort, query, filters):
    everything = index.search(query, filters, sort=sort, limit=100)
    seen: list[str] = []
    cursor = None
    for _ in range(20):
        page = index.search(query, filters, sort=sort, cursor=cursor, limit=2)
        assert page.total == everything.total
        seen.extend(ids(page))
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ids(everything)
    assert len(seen) == len(set(seen)) == everything.total


@pytest.mark.parametrize(
    "cursor",
    [
        "kaputt",
        "!!!",
        "",
        "W10",
        base64.urlsafe_b64encode(b'["name", 1, 2]').decode(),
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        base64.urlsafe_b64encode(b'["name", "a"]').decode(),
    ],
)
def test_invalid_cursor_is_a_bad_request(index, cursor):
    if cursor == "":
        assert index.search(None, sort="name", cursor=cursor).total == len(SPECS)  # empty: first page
        return
    with pytest.raises(BadRequest) as caught:
        index.search(None, sort="name", cursor=cursor)
    assert "Cursor" in caught.value.detail
    assert caught.value.status == 400


def test_cursor_of_another_sort_is_refused(index):
    cursor = index.search(None, sort="updated", limit=1).next_cursor
    assert cursor is not None
    with pytest.raises(BadRequest):
        index.search(None, sort="name", cursor=cursor)


@pytest.mark.parametrize("limit", [0, -1, 101, 10**9])
def test_limit_out_of_range(index, limit):
    with pytest.raises(BadRequest):
        index.search(None, limit=limit)


def test_unknown_sort(index):
    with pytest.raises(BadRequest):
        index.search(None, sort="popularity")


def test_hits_carry_card_fields_and_encode(index):
    hit = index.search("Gewerbeanmeldung").items[0]
    assert hit.id == "stadt-paderborn/gewerbeanmeldung" and hit.version == "1.0.0"
    assert hit.publisher == "stadt-paderborn" and hit.themenfeld == "Unternehmensführung & -entwicklung"
    assert hit.license == "EUPL-1.2" and hit.status == "stable" and hit.maturity_level is None
    assert hit.artefact_kinds == ["config", "document", "form-schema", "process-model"]
    assert hit.keywords == ["GewA 1", "XGewerbeanzeige"]
    decoded = msgspec.json.decode(msgspec.json.encode(index.search("Kita")))
    assert decoded["items"][0]["id"] == "stadt-paderborn/kita" and "facets" in decoded


# -- keeping up with the catalogue -------------------------------------------------------------------


def test_sync_reuses_the_index_for_the_same_commit(tmp_path):
    catalog = make_catalog(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    index = Index(tmp_path / "index.sqlite")
    first = index.sync(catalog)
    assert first.action == "rebuilt" and first.indexed == ["stadt-test/testpaket"]
    again = index.sync(catalog)
    assert again.action == "reused" and again.packages == 0 and again.commit == first.commit
    # also from another Index on the same file (another process, a restart)
    assert Index(tmp_path / "index.sqlite").sync(catalog).action == "reused"


def test_incremental_update_after_publish(tmp_path):
    catalog = build_catalog(tmp_path, SPECS[:4])
    index = Index(tmp_path / "index.sqlite")
    index.sync(catalog)
    before = index.search(None)
    assert counts(before, "license")["MIT"] == 1
    publish_spec(catalog, {**SPECS[2], "version": "1.1.0", "name": "Hundesteuer und Hundeanmeldung", "license": "EUPL-1.2"})
    report = index.sync(catalog)
    assert report.action == "updated"
    assert report.indexed == ["kreis-paderborn/hundesteuer"] and report.removed == [] and report.packages == 1
    hit = index.search("Hundeanmeldung").items[0]
    assert hit.id == "kreis-paderborn/hundesteuer" and hit.version == "1.1.0" and hit.name == "Hundesteuer und Hundeanmeldung"
    after = index.search(None)
    assert after.total == 4
    assert "MIT" not in counts(after, "license") and counts(after, "license")["EUPL-1.2"] == 3
    # a new package: only it is indexed
    publish_spec(catalog, SPECS[5])
    report = index.sync(catalog)
    assert report.action == "updated" and report.indexed == ["stadt-paderborn/kita"]
    assert index.search(None).total == 5 and ids(index.search("Kita")) == ["stadt-paderborn/kita"]
    assert_same_as_fresh(index, tmp_path)


def assert_same_as_fresh(index: Index, tmp_path) -> None:
    """The facet picture patched along the way equals one read from scratch."""
    fresh = Index(tmp_path / "index.sqlite")
    for query, filters, sort in [
        (None, {}, "name"),
        ("online", {}, "relevance"),
        (None, {"license": ["EUPL-1.2"]}, "updated"),
        (None, {}, "maturity"),
    ]:
        a, b = index.search(query, filters, sort, limit=100), fresh.search(query, filters, sort, limit=100)
        assert msgspec.to_builtins(a) == msgspec.to_builtins(b)
    fresh.close()


def test_removed_package_leaves_the_index(tmp_path):
    catalog = build_catalog(tmp_path, SPECS[:3])
    index = Index(tmp_path / "index.sqlite")
    index.sync(catalog)
    remove_package(catalog, "kreis-paderborn/hundesteuer")
    report = index.sync(catalog)
    assert report.action == "updated" and report.removed == ["kreis-paderborn/hundesteuer"] and report.indexed == []
    result = index.search(None)
    assert result.total == 2 and "kreis-paderborn" not in counts(result, "publisher") and "MIT" not in counts(result, "license")
    assert index.search("Hundesteuer").total == 0
    assert_same_as_fresh(index, tmp_path)


def test_commit_without_package_changes_updates_nothing(tmp_path):
    catalog = build_catalog(tmp_path, SPECS[:2])
    index = Index(tmp_path / "index.sqlite")
    index.sync(catalog)
    before = index.search(None)
    repo = catalog.repo
    head = catalog.head()
    tree = replace_path(repo, head.tree, ["adoptions", "notiz.yaml"], repo.create_blob(b"x: 1\n"), pygit2.enums.FileMode.BLOB)
    sig = pygit2.Signature("Test", "test@example.org")
    commit = repo.create_commit(BRANCH, sig, sig, "Nachnutzung erfasst\n", tree, [head.id])
    report = index.sync(catalog)
    assert report.action == "updated" and report.packages == 0 and report.commit == str(commit)
    after = index.search(None)
    assert after.commit == str(commit) and after.total == before.total and after.facets == before.facets


def test_publisher_rename_reindexes_its_packages(tmp_path):
    catalog = build_catalog(tmp_path, SPECS[:4])
    index = Index(tmp_path / "index.sqlite")
    index.sync(catalog)
    repo = catalog.repo
    head = catalog.head()
    record = yaml.safe_dump({"id": "stadt-bielefeld", "name": "Stadt Bielefeld (Bürgeramt)", "type": "stadt"}, allow_unicode=True).encode()
    tree = replace_path(repo, head.tree, ["publishers", "stadt-bielefeld.yaml"], repo.create_blob(record), pygit2.enums.FileMode.BLOB)
    sig = pygit2.Signature("Test", "test@example.org")
    repo.create_commit(BRANCH, sig, sig, "Herausgeber umbenannt\n", tree, [head.id])
    report = index.sync(catalog)
    assert report.action == "updated" and report.indexed == ["stadt-bielefeld/buergerbuero"]
    labels = {v.value: v.label for v in index.search(None).facets["publisher"]}
    assert labels["stadt-bielefeld"] == "Stadt Bielefeld (Bürgeramt)"
    assert ids(index.search("Bürgeramt")) == ["stadt-bielefeld/buergerbuero"]


def test_unrelated_commit_means_full_rebuild(tmp_path):
    catalog = build_catalog(tmp_path, SPECS[:2])
    index = Index(tmp_path / "index.sqlite")
    index.sync(catalog)
    # history rewritten: main now points at a commit that does not descend from the indexed one
    repo = catalog.repo
    sig = pygit2.Signature("Test", "test@example.org")
    orphan = repo.create_commit(None, sig, sig, "neu begonnen\n", catalog.head().tree.id, [])
    repo.references[BRANCH].set_target(orphan)
    report = index.sync(catalog)
    assert report.action == "rebuilt" and sorted(report.indexed) == sorted(IDS[:2]) and "Vorgänger" in report.reason
    # another catalogue altogether: the indexed commit does not exist there
    other = make_catalog(tmp_path / "other", [("stadt-test/testpaket", "1.0.0")])
    report = index.sync(other)
    assert report.action == "rebuilt" and report.indexed == ["stadt-test/testpaket"] and "fehlt" in report.reason
    assert ids(index.search(None)) == ["stadt-test/testpaket"]


def test_other_schema_version_means_full_rebuild(tmp_path):
    catalog = make_catalog(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    assert Index(tmp_path / "index.sqlite").sync(catalog).action == "rebuilt"
    with sqlite3.connect(tmp_path / "index.sqlite") as conn:
        conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    index = Index(tmp_path / "index.sqlite")
    assert index.commit is None
    assert index.sync(catalog).action == "rebuilt"


def test_empty_catalogue(tmp_path):
    catalog = Catalog.create(tmp_path / "empty.git")
    index = Index(tmp_path / "index.sqlite")
    assert index.sync(catalog).action == "reused"
    result = index.search("irgendwas")
    assert result.total == 0 and result.items == [] and result.next_cursor is None
    assert all(values == [] for values in index.search(None).facets.values())


def test_maturity_levels_facet_filter_and_sort(tmp_path):
    catalog = build_catalog(tmp_path, SPECS[:5])
    index = Index(tmp_path / "index.sqlite")
    levels = {IDS[0]: 3, IDS[1]: 1, IDS[2]: 3, IDS[3]: None, IDS[4]: 0}
    calls = []

    def maturity(cat, commit, package_ids, manifests):
        # the manifests the index decoded come along, so the provider need not parse every hub.yaml again
        assert manifests == {} or (set(manifests) == set(package_ids) and all(manifests[p].id == p for p in package_ids))
        calls.append(list(package_ids))
        return {pid: levels[pid] for pid in package_ids}

    assert index.sync(catalog, maturity=maturity).action == "rebuilt"
    assert len(calls) == 1 and sorted(calls[0]) == sorted(IDS[:5])  # one call for every package, in any order
    result = index.search(None)
    assert counts(result, "maturity_level") == {"3": 2, "1": 1, "0": 1, "none": 1}
    assert [v.value for v in result.facets["maturity_level"]] == ["3", "1", "0", "none"]
    assert {v.value: v.label for v in result.facets["maturity_level"]}["3"] == "Nachnutzbar"
    ranked = index.search(None, sort="maturity", limit=100)
    assert [hit.maturity_level for hit in ranked.items] == [3, 3, 1, 0, None]
    assert ids(ranked)[:2] == [IDS[2], IDS[0]]  # same level: newer first
    assert set(ids(index.search(None, {"maturity_level": ["3"]}))) == {IDS[0], IDS[2]}
    assert ids(index.search(None, {"maturity_level": ["none"]})) == [IDS[3]]
    # only the republished package is asked for again
    publish_spec(catalog, {**SPECS[1], "version": "1.0.1"})
    levels[IDS[1]] = 2
    calls.clear()
    report = index.sync(catalog, maturity=maturity)
    assert report.indexed == [IDS[1]] and calls == [[IDS[1]]]
    assert counts(index.search(None), "maturity_level") == {"3": 2, "2": 1, "0": 1, "none": 1}
    # set from outside (e.g. a review), kept when a package is reindexed without a provider
    assert index.set_maturity({IDS[3]: 4, "gibt-es/nicht": 2}) == 1
    assert index.set_maturity({IDS[3]: 4}) == 0
    assert ids(index.search(None, sort="maturity", limit=1)) == [IDS[3]]
    publish_spec(catalog, {**SPECS[3], "version": "1.0.1"})
    assert index.sync(catalog).indexed == [IDS[3]]
    assert index.search("Wohnung").items[0].maturity_level == 4
    # an adoption of one package: only that package's level is asked for again, nothing is reindexed
    repo = catalog.repo
    head = catalog.head()
    blob = repo.create_blob(b"adopter: stadt-soest\nstatus: production\n")
    tree = replace_path(repo, head.tree, ["adoptions", *IDS[4].split("/"), "stadt-soest.yaml"], blob, pygit2.enums.FileMode.BLOB)
    sig = pygit2.Signature("Test", "test@example.org")
    repo.create_commit(BRANCH, sig, sig, "Nachnutzung erfasst\n", tree, [head.id])
    levels[IDS[4]] = 2
    calls.clear()
    report = index.sync(catalog, maturity=maturity)
    assert report.action == "updated" and report.packages == 0 and calls == [[IDS[4]]]
    assert index.search(None, {"maturity_level": ["2"]}).total == 2
    # levels that move with time alone: refreshed on request
    levels.update({IDS[0]: 4, IDS[2]: 4})
    assert index.refresh_maturity(catalog, maturity) == 3  # the provider also takes back the 4 set by hand
    assert counts(index.search(None), "maturity_level") == {"4": 2, "2": 2, "none": 1}
    assert_same_as_fresh(index, tmp_path)


def test_failing_maturity_provider_does_not_stop_the_index(tmp_path):
    catalog = build_catalog(tmp_path, SPECS[:2])
    index = Index(tmp_path / "index.sqlite")

    def broken(cat, commit, package_ids, manifests):
        raise RuntimeError("Reifegradmodell nicht lesbar")

    report = index.sync(catalog, maturity=broken)
    assert report.action == "rebuilt" and len(report.indexed) == 2 and "Reifegradmodell" in report.maturity_error
    publish_spec(catalog, {**SPECS[0], "version": "1.0.1"})
    report = index.sync(catalog, maturity=broken)
    assert report.action == "updated" and report.indexed == [IDS[0]] and report.maturity_error
    assert index.search("Gewerbeanmeldung").items[0].version == "1.0.1"


def test_updated_falls_back_to_release_date_without_tag(tmp_path):
    catalog = build_catalog(tmp_path, SPECS[:1])
    repo = catalog.repo
    repo.references.delete("refs/tags/stadt-paderborn/gewerbeanmeldung/v1.0.0")
    index = Index(tmp_path / "index.sqlite")
    index.sync(catalog)
    assert index.search(None).items[0].updated == "2024-01-15T00:00:00+00:00"  # the factory's release_date


def test_concurrent_searches_during_syncs(tmp_path):
    catalog = build_catalog(tmp_path, SPECS[:3])
    index = Index(tmp_path / "index.sqlite")
    index.sync(catalog)
    errors: list[BaseException] = []
    stop = threading.Event()

    def searcher() -> None:
        try:
            while not stop.is_set():
                result = index.search("online", sort="name")
                assert result.total == len(ids(result))
                index.search(None, {"license": ["EUPL-1.2"]}, sort="updated")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=searcher) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for data in SPECS[3:]:
            publish_spec(catalog, data)
            assert index.sync(catalog).action == "updated"
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert errors == []
    assert index.search(None).total == len(SPECS)
    assert_same_as_fresh(index, tmp_path)
    index.close()


def test_a_rebuild_left_for_later_finds_every_package_at_once_and_completes_levels_and_stored_answers(tmp_path, monkeypatch):
    """``sync(later=True)`` (a first start's index before its first answer) writes what search needs and leaves the
    maturity levels and the API's stored answers to ``complete``, after which the index is the one a full rebuild
    writes; levels the index held stay until then. On the embedded catalogue (levels 0 to 4)."""
    from hub.maturity import index_levels
    from hub.store import ensure_seeded

    catalog = Catalog.create(tmp_path / "catalog.git")
    ensure_seeded(catalog)
    ids = catalog.package_ids()
    with Index(tmp_path / "full.sqlite") as full, Index(tmp_path / "later.sqlite") as later:
        assert full.sync(catalog, maturity=index_levels).action == "rebuilt" and not full.pending
        report = later.sync(catalog, maturity=index_levels, later=True)
        assert report.action == "rebuilt" and sorted(report.indexed) == ids and later.pending
        assert later.commit == full.commit
        assert [h.id for h in later.search("Gewerbe").items] == [h.id for h in full.search("Gewerbe").items] != []
        assert {h.maturity_level for h in later.search(limit=100).items} == {None}  # no levels yet
        assert all(later.answers(pid) is None for pid in ids) and all(full.answers(pid) is not None for pid in ids)
        assert later.sync(catalog, maturity=index_levels).action == "reused" and later.pending  # a sync alone adds nothing

        monkeypatch.setattr("hub.index.index.REBUILD_CHUNK", 4)  # a few packages per chunk, as thousands are at 10,000
        assert not later.complete(catalog, maturity=index_levels, chunks=1) and later.pending  # one chunk, the rest waits
        assert sum(later.answers(pid) is not None for pid in ids) == 4
        assert later.complete(catalog, maturity=index_levels) and not later.pending
        assert later.complete(catalog, maturity=index_levels)  # nothing left: one read
        for pid in ids:
            assert later.answers(pid) == full.answers(pid)
        by_level = [(h.id, h.maturity_level) for h in full.search(sort="maturity", limit=100).items]
        assert [(h.id, h.maturity_level) for h in later.search(sort="maturity", limit=100).items] == by_level
        assert len({level for _, level in by_level}) >= 3
        assert later.review_queue() == full.review_queue()
        facets = later.search().facets["maturity_level"]
        assert facets == full.search().facets["maturity_level"]


def test_a_new_version_leaves_the_terms_and_values_a_rebuild_writes(tmp_path):
    # an update writes only the postings and facet values that changed: the rows must be exactly a rebuild's
    catalog = build_catalog(tmp_path, SPECS[:4])
    index = Index(tmp_path / "index.sqlite")
    index.sync(catalog)
    publish_spec(catalog, {**SPECS[2], "version": "1.1.0", "name": "Hundesteuer und Hundeanmeldung", "license": "EUPL-1.2"})
    assert index.sync(catalog).action == "updated"
    rebuilt = Index(tmp_path / "rebuilt.sqlite")
    assert rebuilt.sync(catalog).action == "rebuilt"

    def rows(path) -> tuple[set, set]:
        with sqlite3.connect(path) as db:
            ids = dict(db.execute("SELECT rowid, id FROM packages"))
            terms = {(term, ids[pkg], mask) for term, pkg, mask in db.execute("SELECT term, pkg, mask FROM postings")}
            values = {(facet, value, ids[pkg]) for facet, value, pkg in db.execute("SELECT facet, value, pkg FROM package_values")}
        return terms, values

    updated_terms, updated_values = rows(tmp_path / "index.sqlite")
    assert ("hundeanmeldung", "kreis-paderborn/hundesteuer") in {(t, p) for t, p, _ in updated_terms}
    assert ("license", "EUPL-1.2", "kreis-paderborn/hundesteuer") in updated_values
    assert (updated_terms, updated_values) == rows(tmp_path / "rebuilt.sqlite")
    index.close()
    rebuilt.close()
