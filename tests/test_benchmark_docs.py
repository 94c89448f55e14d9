"""docs/benchmarks.md states only figures a script produced: its tables are rendered by cog from the committed results
in docs/figures/ (written by ``bench/X.py --record``), and its prose states no measured figure of its own.

Four checks, each shown to fail: the doc is what cog renders from the JSON; the prose names no figure (a number with a
unit) that is not a goal, a repeat of a rendered figure, or a listed fact; every committed JSON was written by a script
that exists; and the cheap scripts' ``--quick`` runs still write every key the doc reads.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
FIGURES = ROOT / "docs" / "figures"

# Facts the prose may state with a unit although no run measures them: what a script does, not what it measured.
# Each is an exact phrase of the doc (whitespace collapsed); only figures inside the phrase are exempt.
FACTS = {
    "35 % one word, 20 % two words, 25 % one word with 1–3 facet filters, 15 % filters only, 5 % hostile strings": (
        "bench/search.py make_queries: the mix of queries"
    ),
    "70 % sorted by relevance": "bench/search.py make_queries: the mix of sort orders",
    "15 % ask for the second page": "bench/search.py make_queries: the share of second pages",
    "every 50 ms": "bench/replica.py reader: the readers' pace",
}

# The bench scripts whose --quick run takes seconds: the test runs them and renders the doc from their results.
CHEAP = ["charts", "core", "search"]

_NUMBER = r"\d+(?:[.,]\d+)*(?:[kM](?=\s))?"  # 1,340 or 0.41 or 16k
_UNIT = (
    r"(?:[kKMGT]i?B|bytes?|B|req|requests|publishes|ops|queries)/s|/s"
    r"|ns|µs|us|ms|seconds?|sec|s|minutes?|min|hours?|h|bytes?|[kKMGT]i?B|kb|mb|gb|B"
    r"|%|×|x|times|files|cores?"
)
FIGURE = re.compile(rf"(?<![\w.,]){_NUMBER}(?:\s?[–-]\s?{_NUMBER})?\s?(?:{_UNIT})(?![\w/])")
GOAL = re.compile(r"(?:≤|≥|<=|>=|<|>)\s?$")


def cog(*args: str, figures: Path | None = None) -> subprocess.CompletedProcess[str]:
    """cog in the project folder (where the doc's blocks import bench/), reading ``figures`` before docs/figures/."""
    env = {key: value for key, value in os.environ.items() if key != "BENCH_FIGURES"}
    if figures is not None:
        env["BENCH_FIGURES"] = str(figures)
    return subprocess.run(
        [sys.executable, "-m", "cogapp", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=120
    )


def split(text: str) -> tuple[str, str]:
    """(prose, rendered): the prose without code, inline code and cog blocks; the text cog rendered."""
    prose: list[str] = []
    rendered: list[str] = []
    state = "prose"
    for line in text.splitlines():
        if state == "prose" and "[[[cog" in line:
            state = "prose" if "]]]" in line.split("[[[cog", 1)[1] else "code"
            if state == "prose":
                state = "rendered"
        elif state == "code" and "]]]" in line:
            state = "rendered"
        elif state == "rendered" and "[[[end]]]" in line:
            state = "prose"
        elif state == "rendered":
            rendered.append(line)
        elif state == "prose" and line.lstrip().startswith("```"):
            state = "fence"
        elif state == "fence" and line.lstrip().startswith("```"):
            state = "prose"
        elif state == "prose":
            prose.append(re.sub(r"`[^`]*`", "", line))
    return " ".join(" ".join(prose).split()), "\n".join(rendered)


def stray_figures(text: str) -> list[str]:
    """The figures the prose of ``text`` states that are neither goals, nor rendered by cog in ``text``, nor facts."""
    prose, rendered = split(text)
    shown = {"".join(match.split()) for match in FIGURE.findall(rendered)}
    for phrase in FACTS:
        prose = prose.replace(phrase, " ")
    return [
        match.group()
        for match in FIGURE.finditer(prose)
        if not GOAL.search(prose[: match.start()]) and "".join(match.group().split()) not in shown
    ]


# (a) the doc is what cog renders from the committed JSON


def test_the_doc_is_what_cog_renders_from_the_committed_figures():
    done = cog("--check", "--diff", "--check-fail-msg", "run: .venv/bin/cog -r docs/benchmarks.md", str(DOC))
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_changed_figure_or_a_hand_edited_table_fails_the_check(tmp_path):
    record = json.loads((FIGURES / "core.json").read_text(encoding="utf-8"))
    record["results"]["publish"]["median_ms"] *= 2
    changed = tmp_path / "figures"
    changed.mkdir()
    (changed / "core.json").write_text(json.dumps(record), encoding="utf-8")
    done = cog("--check", str(DOC), figures=changed)
    assert done.returncode != 0 and "changed" in done.stdout + done.stderr

    text = DOC.read_text(encoding="utf-8")
    cell = re.search(r"^\| publish one version \| ([\d.,]+) ms", text, re.MULTILINE)
    assert cell is not None
    edited = tmp_path / "benchmarks.md"
    edited.write_text(text[: cell.start(1)] + "1.00" + text[cell.end(1) :], encoding="utf-8")
    assert cog("--check", str(edited)).returncode != 0


# (b) the prose states no figure of its own


def test_the_prose_states_no_figure_a_script_did_not_produce():
    assert stray_figures(DOC.read_text(encoding="utf-8")) == []


def test_every_listed_fact_is_in_the_doc():
    prose, _ = split(DOC.read_text(encoding="utf-8"))
    assert [phrase for phrase in FACTS if phrase not in prose] == []


def test_a_figure_written_into_the_prose_is_found():
    text = DOC.read_text(encoding="utf-8")
    doctored = text.replace(
        "## Core (issue 3)", "Publishing takes 987.6 ms, 4× faster, at 1,340 req/s; 16k files, 5 MB/s, 2–8 times.\n\n## Core (issue 3)", 1
    )
    assert stray_figures(doctored) == ["987.6 ms", "4×", "1,340 req/s", "16k files", "5 MB/s", "2–8 times"]
    # a goal, a rendered figure repeated, code and a listed fact are not figures of the prose
    rendered = FIGURE.search(split(text)[1])
    assert rendered is not None
    allowed = f"The goal is ≤ 3.2 ms; the table says {rendered.group()}; `--seconds 5 s`; every 50 ms.\n\n"
    assert stray_figures(text.replace("## Core (issue 3)", allowed + "## Core (issue 3)", 1)) == []


# (c) every committed JSON came from a script that exists


@pytest.mark.parametrize("path", sorted(FIGURES.glob("*.json")), ids=lambda path: path.stem)
def test_a_committed_figure_names_the_script_that_produced_it(path):
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["figure"] == path.stem
    scripts = re.findall(r"(?:^|\s)(bench/\w+\.py)(?=\s|$)", record["command"])
    assert scripts, record["command"]
    assert all((ROOT / script).is_file() for script in scripts), record["command"]
    assert "--record" in record["command"].split() and not record["quick"]
    for key in ("machine", "started", "finished", "load_average_start", "load_average_end", "commit", "results"):
        assert record[key], key


def test_every_figure_the_doc_reads_is_committed():
    names = set(re.findall(r"""(?:results|about|figure)\("([\w.-]+)"\)""", DOC.read_text(encoding="utf-8")))
    assert names and sorted(name for name in names if not (FIGURES / f"{name}.json").is_file()) == []


# (d) the scripts still write what the doc reads


@pytest.mark.parametrize("script", CHEAP)
def test_a_quick_run_writes_every_key_the_doc_reads(script, tmp_path):
    done = subprocess.run(
        [sys.executable, f"bench/{script}.py", "--quick", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    rendered = tmp_path / "benchmarks.md"
    done = cog("-o", str(rendered), str(DOC), figures=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"bench/{script}.py --quick" in rendered.read_text(encoding="utf-8")  # rendered from the quick run's results


def test_a_key_the_doc_reads_and_the_results_lack_fails_the_rendering(tmp_path):
    record = json.loads((FIGURES / "core.json").read_text(encoding="utf-8"))
    record["results"]["publish_median"] = record["results"].pop("publish")
    (tmp_path / "core.json").write_text(json.dumps(record), encoding="utf-8")
    done = cog("-o", str(tmp_path / "benchmarks.md"), str(DOC), figures=tmp_path)
    assert done.returncode != 0 and "KeyError: 'publish'" in done.stdout + done.stderr
