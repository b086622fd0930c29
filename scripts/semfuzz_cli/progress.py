"""Campaign progress: coverage and corpus size over time (runs/<run>/progress.png)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Optional

from .builds import ensure
from .common import Failure, output_tail, say


PROGRESS_STATS = re.compile(r"\bcov: (\d+) ft: (\d+) corp: (\d+)")
GNUPLOT_PACKAGES = ("gnuplot-nox",)


def write_progress(run_dir: Path, samples: list, title: str) -> Optional[Path]:
    """Writes progress.tsv (seconds, execs, cov, ft, corpus) and plots it into progress.png with
    gnuplot; returns the plot, or None (with a message) when there is none."""
    if not samples:
        say("plot: skipped (libFuzzer printed no coverage lines)")
        return None
    table = run_dir / "progress.tsv"
    table.write_text("# seconds\texecs\tcov\tft\tcorpus\n" +
                     "".join("\t".join(str(v) for v in s) + "\n" for s in samples))
    if not shutil.which("gnuplot"):
        try:
            ensure(GNUPLOT_PACKAGES, "plot")
        except Failure as error:
            say(f"plot: skipped, gnuplot is not installed ({error})")
            return None
        if not shutil.which("gnuplot"):
            say("plot: skipped, gnuplot is not installed (apt-get install gnuplot-nox)")
            return None
    png = run_dir / "progress.png"
    script = "\n".join([
        "set output 'progress.png'",
        f"set title \"{title}\" noenhanced",
        "set xlabel 'seconds'", "set ylabel 'coverage (cov: edges, ft: features)'",
        "set y2label 'corpus (inputs)'", "set ytics nomirror", "set y2tics", "set grid",
        "set key left top", "set yrange [0:*]", "set y2range [0:*]",
        "plot 'progress.tsv' using 1:3 with lines lw 2 title 'cov', "
        "'' using 1:4 with lines lw 2 title 'ft', "
        "'' using 1:5 axes x1y2 with steps lw 2 title 'corpus'", ""])
    for terminal in ("pngcairo size 1000,600", "png size 1000,600"):
        result = subprocess.run(["gnuplot"], input=f"set terminal {terminal}\n{script}",
                                cwd=run_dir, capture_output=True, text=True)
        if result.returncode == 0 and png.exists() and png.stat().st_size > 0:
            return png
    say(f"plot: gnuplot failed: {output_tail(result.stderr, 5)}")
    return None
