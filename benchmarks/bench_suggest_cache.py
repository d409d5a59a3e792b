"""``matchmaker suggest`` cold and warm: ``python benchmarks/bench_suggest_cache.py [--n N]``.

Writes N synthetic profiles (``matching_gen``) to a profiles file and runs the command twice
with one ``--cache`` file: cold (every text encoded, in batches) and warm (every vector from
the cache). Reports profiles/s of the whole command, reasons and JSON included.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching_gen import generate  # noqa: E402

from matchmaker.commands.suggest import suggest  # noqa: E402
from matchmaker.engine import embedding  # noqa: E402

_FIELDS = ("id", "name", "country", "languages", "description", "offers", "seeks", "tags")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="300 profiles")
    args, _ = parser.parse_known_args()
    n = 300 if args.quick else args.n
    if not embedding.encoder_available():
        print("encoder not installed: nothing to cache")
        return
    companies = [{k: v for k, v in asdict(p).items() if k in _FIELDS} for p in generate(n)]
    with tempfile.TemporaryDirectory() as folder:
        profiles = Path(folder) / "profiles.json"
        profiles.write_text(json.dumps({"companies": companies}, ensure_ascii=False), "utf-8")
        cache = Path(folder) / "vectors.npz"
        for label in ("cold", "warm"):
            started = time.perf_counter()
            result = CliRunner().invoke(suggest, [str(profiles), "--top", "10", "--cache",
                                                  str(cache)])
            elapsed = time.perf_counter() - started
            assert result.exit_code == 0, result.output
            print(f"{label}: {n:,} profiles, top-10 with reasons in {elapsed:.1f} s = "
                  f"{n / elapsed:,.0f} profiles/s ({result.stderr.strip()})")


if __name__ == "__main__":
    main()
