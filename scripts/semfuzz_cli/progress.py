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
SAMPLE_BUCKET_S = 1.0  # each second keeps its first status line and its latest
MAX_GAP_S = 2.0  # a quiet libFuzzer still gets a sample this often
MIN_PLOT_SAMPLES = 2


class Sampler:
    """(seconds, execs, cov, ft, corpus) samples of a run. libFuzzer prints a status line when
    coverage grows and at each power of two executions, so lines come in bursts and then not at
    all: within each SAMPLE_BUCKET_S the first line and the latest are kept (a burst's start is
    never overwritten), and after MAX_GAP_S without a line the last values are carried forward
    to the current time (coverage and corpus change only with a status line; execs stay at the
    last count printed)."""

    def __init__(self) -> None:
        self.samples: list = []

    def add(self, sample: tuple) -> None:
        bucket = int(sample[0] // SAMPLE_BUCKET_S)
        same = [s for s in self.samples[-2:] if int(s[0] // SAMPLE_BUCKET_S) == bucket]
        if len(same) == 2:
            self.samples[-1] = sample
        else:
            self.samples.append(sample)

    def tick(self, seconds: float) -> None:
        if self.samples and seconds - self.samples[-1][0] >= MAX_GAP_S:
            self.samples.append((round(seconds, 1), *self.samples[-1][1:]))


def write_progress(run_dir: Path, samples: list, title: str) -> Optional[Path]:
    """Writes progress.tsv (seconds, execs, cov, ft, corpus) and plots it into progress.png with
    gnuplot; returns the plot, or None (with a message) when there is none."""
    if len(samples) < MIN_PLOT_SAMPLES:
        say("plot: skipped (libFuzzer printed no coverage lines)" if not samples else
            "plot: skipped (one sample: the run was too short)")
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
        "set xlabel 'seconds since the run started'",
        "set ylabel 'coverage (cov: edges, ft: features)'",
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
