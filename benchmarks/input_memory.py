"""Memory for reading input files, against their size; prints a table.

    python benchmarks/input_memory.py [--data DIR] [--scale-rows N]

For each register the loaders read, the peak Python memory (tracemalloc) while reading it, the
memory still held by the rows the reader returns, and both as multiples of the file's size. The
readers stream (docs/security.md): what they hold beyond their result ("working") should stay
near zero whatever the file's size. `--scale-rows` also writes a synthetic file of N rows in the
layout of the largest lookup, to show that working memory does not grow with the file.
Never a test: read the figures, do not assert them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results import recorded  # noqa: E402

from benchmarks.run import print_markdown  # noqa: E402
from loaders.bundled import copy_out  # noqa: E402
from loaders.readers import nhsbsa, ods, ons  # noqa: E402

LSOA_COLUMNS = ("CCG15CD", "CCG15CDH", "LAD15CD", "LAD15NM")
READERS = {
    "epraccur.csv": lambda p: ods.read_table(p, ods.EPRACCUR, header=False, keep={"setting": {"4"}}),
    "epcmem.csv": lambda p: ods.read_table(p, ods.EPCMEM, header=False, min_columns=5),
    "succ.csv": lambda p: ods.read_table(p, ods.SUCC, header=False, min_columns=4),
    "LSOA11_CCG15_LAD15_EN_LU.csv": lambda p: ons.count_rows(p, LSOA_COLUMNS, header=True),
    "Patient_List_Size_2013_04-06.csv": nhsbsa.list_sizes,
}


def measure(path: Path, read) -> list[str]:
    tracemalloc.start()
    result = read(path)
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    size = path.stat().st_size
    return [
        path.name,
        f"{size / 1e6:.2f}",
        f"{peak / 1e6:.1f}",
        f"{held / 1e6:.1f}",
        f"{(peak - held) / 1e6:.2f}",
        f"{peak / size:.1f}x",
        f"{(peak - held) / size:.2f}x",
    ]


def synthetic_lookup(rows: int, folder: Path) -> Path:
    """A file in the LSOA lookup's layout with `rows` rows over 200 CCGs and 300 districts."""
    path = folder / f"lookup-{rows}.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write("LSOA11CD,LSOA11NM,CCG15CD,CCG15CDH,CCG15NM,LAD15CD,LAD15NM,FID\n")
        for i in range(rows):
            out.write(
                f"E0{i:07d},Area {i},E38{i % 200:06d},{i % 200:03d},CCG {i % 200},E07{i % 300:06d},LA {i % 300},{i}\n"
            )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="a folder of registers as published (default: the package's, written out)")
    parser.add_argument("--scale-rows", type=int, default=1_000_000)
    parser.add_argument("--record", action="store_true", help="also write what it prints into benchmarks/RESULTS.md")
    args = parser.parse_args()
    with recorded("input_memory", args.record):
        _measure(args)


def _measure(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if args.data is None:  # sizes are of the files as published: the package's, decompressed
            copy_out(Path(tmp) / "published")
        data = args.data or Path(tmp) / "published" / "england-2013"
        rows = [measure(data / name, read) for name, read in READERS.items() if (data / name).is_file()]
        for n in (args.scale_rows // 10, args.scale_rows):
            if n:
                rows.append(
                    measure(
                        synthetic_lookup(n, Path(tmp)), lambda p: ons.count_rows(p, LSOA_COLUMNS, header=True)
                    )
                )
    print_markdown(
        ["file", "MB", "peak MB", "rows kept MB", "working MB", "peak / size", "working / size"], rows
    )


if __name__ == "__main__":
    main()
