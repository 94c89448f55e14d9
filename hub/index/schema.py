"""The index's SQLite schema. Change ``SCHEMA_VERSION`` with it: an index of another version is rebuilt."""

from __future__ import annotations

SCHEMA_VERSION = 4

COLUMNS = [
    "id",
    "publisher_id",
    "publisher_name",
    "name",
    "name_sort",
    "version",
    "summary_de",
    "summary_en",
    "description_de",
    "description_en",
    "keywords",
    "themenfeld",
    "lebenslagen",
    "leika",
    "categories",
    "license",
    "status",
    "artefact_kinds",
    "production_since",
    "cases_per_year",
    "release_date",
    "updated",
    "updated_ts",
    "maturity_level",
]

TABLES = ["meta", "packages", "package_values", "postings", "changes", "review_queue", "answers", "fts"]  # fts: schema 1, dropped

DDL = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID",
    """CREATE TABLE packages (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        publisher_id TEXT NOT NULL,
        publisher_name TEXT NOT NULL,
        name TEXT NOT NULL,
        name_sort TEXT NOT NULL,
        version TEXT NOT NULL,
        summary_de TEXT NOT NULL,
        summary_en TEXT,
        description_de TEXT NOT NULL,
        description_en TEXT,
        keywords TEXT NOT NULL,          -- JSON array
        themenfeld TEXT NOT NULL,
        lebenslagen TEXT NOT NULL,       -- JSON array
        leika TEXT NOT NULL,             -- JSON array of 14-digit keys
        categories TEXT NOT NULL,        -- JSON array
        license TEXT NOT NULL,
        status TEXT NOT NULL,
        artefact_kinds TEXT NOT NULL,    -- JSON array, sorted, distinct
        production_since TEXT,
        cases_per_year INTEGER,
        release_date TEXT,
        updated TEXT NOT NULL,           -- ISO 8601: when the indexed version was published
        updated_ts INTEGER NOT NULL,     -- the same in seconds since the epoch
        maturity_level INTEGER           -- 0..4, filled by the maturity model; NULL until then
    )""",
    "CREATE INDEX packages_publisher ON packages (publisher_id)",
    "CREATE INDEX packages_themenfeld ON packages (themenfeld)",
    "CREATE INDEX packages_license ON packages (license)",
    "CREATE INDEX packages_status ON packages (status)",
    "CREATE INDEX packages_maturity ON packages ((maturity_level IS NULL), maturity_level DESC, updated_ts DESC, id)",
    "CREATE INDEX packages_name ON packages (name_sort, id)",
    "CREATE INDEX packages_updated ON packages (updated_ts DESC, id)",
    # the reviewer's queue (hub.maturity.queue), decided per package when the provider gives a MaturityState:
    # a page of it is an index range, whatever the size of the catalogue
    """CREATE TABLE review_queue (
        id TEXT PRIMARY KEY,             -- package id
        queued INTEGER NOT NULL,         -- 1: waits for a review
        never INTEGER NOT NULL,          -- 1: no counting review of any version (listed first)
        computed_level INTEGER NOT NULL,
        reviewed_version TEXT,           -- the newest counting review over all versions
        reviewed_date TEXT,
        reviewed_level INTEGER,
        reviewed_computed INTEGER        -- the computed level it recorded
    ) WITHOUT ROWID""",
    "CREATE INDEX review_queue_order ON review_queue (queued, never DESC, id)",
    # every facet value of every package (multi-valued facets included): one row each
    """CREATE TABLE package_values (
        facet TEXT NOT NULL,
        value TEXT NOT NULL,
        pkg INTEGER NOT NULL,
        PRIMARY KEY (facet, value, pkg)
    ) WITHOUT ROWID""",
    "CREATE INDEX package_values_pkg ON package_values (pkg)",
    # which rows each generation touched: lets every process patch its facet picture instead of reloading it
    "CREATE TABLE changes (generation INTEGER NOT NULL, pkg INTEGER NOT NULL)",
    "CREATE INDEX changes_generation ON changes (generation)",
    # the analysed text (see hub.index.text): each term of each package with the mask of its fields;
    # the key's order lets a prefix be one range, and the vocabulary one pass over the key
    """CREATE TABLE postings (
        term TEXT NOT NULL,
        pkg INTEGER NOT NULL,
        mask INTEGER NOT NULL,
        PRIMARY KEY (term, pkg)
    ) WITHOUT ROWID""",
    "CREATE INDEX postings_pkg ON postings (pkg)",
    # the API's encoded answers about each package (hub.index.answers), valid while its folder is the tree ``tree``:
    # a GET is one lookup by id, whatever the size of the catalogue
    """CREATE TABLE answers (
        id TEXT PRIMARY KEY,             -- package id
        tree TEXT NOT NULL,              -- the package folder's tree id the answers hold for
        version TEXT NOT NULL,           -- the latest version
        package BLOB NOT NULL,           -- GET /api/v1/packages/<id>
        versions BLOB NOT NULL,          -- GET /api/v1/packages/<id>/versions
        version_is_package INTEGER NOT NULL  -- 1: GET …/versions/<version> answers ``package`` too
    )""",
]
