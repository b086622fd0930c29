#!/usr/bin/env python3
"""Fetches the Qt source files schedule_qt compiles, for the Qt the build found, into the build tree.

    fetch_source.py --library LIBQT6CORE --qt-version X.Y.Z --dest DIR --files PATH...

Qt's code is never committed to semfuzz (its licence is not ours): the build gets it from the
distribution's archive, here Debian's, with apt's own source client, so apt checks every file
against the archive's signed index. Nothing in the system's apt configuration is changed: the
sources list (the system's deb entries, as deb-src), the package lists and the download cache
are private to DIR/apt.

1. The Debian package that owns LIBQT6CORE and its version (dpkg-query), and the source package
   it is built from (e.g. qt6-base 6.4.2+dfsg-10).
2. `apt-get update` and `apt-get source --download-only SOURCE=VERSION` with the private state.
3. The wanted files (paths inside the upstream tree, e.g. src/corelib/thread/qsemaphore.cpp) are
   extracted from the upstream tarball alone, after checking that the tarball's version is
   X.Y.Z (CMake's Qt6Core_VERSION); Debian's patches that touch them are applied (quilt series,
   `patch -p1`).
4. DIR/qtbase/<paths> and DIR/FETCHED (the source package and version) are written last: a
   second call with the same version finds them and returns at once (no download).

Exit status 0: the files are there. 2: they cannot be had here (not a Debian system, no network,
no such source version); the one line on stderr says why, for CMake's skip message.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tarfile


class Unavailable(Exception):
    pass


def run(cmd: list[str], cwd: str | None = None, timeout: int = 300) -> str:
    try:
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError as e:
        raise Unavailable(f"{cmd[0]} not found ({e.strerror})") from e
    except subprocess.TimeoutExpired as e:
        raise Unavailable(f"`{' '.join(cmd[:3])} ...` took more than {timeout} s") from e
    if r.returncode != 0:
        last = (r.stderr.strip() or r.stdout.strip()).splitlines()[-1:] or ["no output"]
        raise Unavailable(f"`{' '.join(cmd[:3])} ...` failed: {last[0]}")
    return r.stdout


def owning_source_package(library: str) -> tuple[str, str]:
    """(source package, version) of the Debian package that installed `library`."""
    owners = ""
    for path in (library, os.path.realpath(library)):
        try:  # "libqt6core6:amd64: /usr/lib/..."
            owners = run(["dpkg-query", "-S", path]).split(": ")[0].split(", ")[0]
            break
        except Unavailable:
            continue
    if not owners:
        raise Unavailable(f"no Debian package owns {library} (dpkg-query -S)")
    fields = run(["dpkg-query", "-W", "-f", "${source:Package} ${Version}", owners]).split()
    if len(fields) != 2:
        raise Unavailable(f"dpkg-query gave no source package for {owners}")
    return fields[0], fields[1]


def private_sources(apt_dir: str) -> None:
    """The system's deb entries as deb-src, in files of DIR/apt only."""
    parts = os.path.join(apt_dir, "sources.list.d")
    os.makedirs(parts, exist_ok=True)
    found = False
    for src in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        text = open(src).read()
        text = re.sub(r"(?m)^Types:.*$", "Types: deb-src", text)
        with open(os.path.join(parts, os.path.basename(src)), "w") as f:
            f.write(text)
        found = True
    lines = []
    for src in ["/etc/apt/sources.list", *sorted(glob.glob("/etc/apt/sources.list.d/*.list"))]:
        if os.path.exists(src):
            for line in open(src):
                if re.match(r"\s*deb\s", line):
                    lines.append(re.sub(r"^\s*deb\s", "deb-src ", line))
    with open(os.path.join(apt_dir, "sources.list"), "w") as f:
        f.writelines(lines)
    if not found and not lines:
        raise Unavailable("no apt sources configured in /etc/apt")


def apt(apt_dir: str, *args: str, cwd: str | None = None) -> str:
    lists = os.path.join(apt_dir, "lists")
    cache = os.path.join(apt_dir, "cache")
    os.makedirs(os.path.join(lists, "partial"), exist_ok=True)
    os.makedirs(os.path.join(cache, "archives", "partial"), exist_ok=True)
    return run(["apt-get", "-q",
                "-o", f"Dir::Etc::SourceList={apt_dir}/sources.list",
                "-o", f"Dir::Etc::SourceParts={apt_dir}/sources.list.d",
                "-o", f"Dir::State::Lists={lists}", "-o", f"Dir::Cache={cache}",
                "-o", "APT::Sandbox::User=root", *args], cwd=cwd)


def extract(download: str, files: list[str], qt_version: str, out: str) -> None:
    origs = glob.glob(os.path.join(download, "*.orig.tar.*"))
    debians = glob.glob(os.path.join(download, "*.debian.tar.*"))
    if len(origs) != 1:
        raise Unavailable(f"expected one upstream tarball in {download}, found {len(origs)}")
    with tarfile.open(origs[0]) as tar:
        top = None
        wanted = {}
        for member in tar:  # one pass over the (xz) stream
            if top is None:
                top = member.name.split("/")[0]
                m = re.search(r"-(\d+\.\d+\.\d+)$", top)
                if not m or m.group(1) != qt_version:
                    raise Unavailable(f"the source tarball is {top}, not Qt {qt_version}")
            rel = member.name.split("/", 1)[-1]
            if rel in files and member.isfile():
                wanted[rel] = tar.extractfile(member).read()
    missing = sorted(set(files) - set(wanted))
    if missing:
        raise Unavailable(f"the source tarball lacks {', '.join(missing)}")
    for rel, data in wanted.items():
        path = os.path.join(out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    # Debian's patches (debian/patches/series, applied in order) that touch the files.
    for deb in debians:
        with tarfile.open(deb) as tar:
            names = tar.getnames()
            if "debian/patches/series" not in names:
                continue
            series = tar.extractfile("debian/patches/series").read().decode().split("\n")
            for entry in series:
                entry = entry.split("#")[0].strip()
                if not entry:
                    continue
                patch = tar.extractfile(f"debian/patches/{entry.split()[0]}").read()
                touched = set(re.findall(rb"(?m)^\+\+\+ [^/\s]+/(\S+)", patch))
                if not touched & {f.encode() for f in files}:
                    continue
                if not touched <= {f.encode() for f in files}:
                    raise Unavailable(f"Debian patch {entry} also touches files not extracted")
                r = subprocess.run(["patch", "-p1", "-s", "-d", out], input=patch,
                                   capture_output=True)
                if r.returncode != 0:
                    raise Unavailable(f"Debian patch {entry} does not apply")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--library", required=True, help="the libQt6Core the build links")
    p.add_argument("--qt-version", required=True, help="Qt6Core_VERSION, e.g. 6.4.2")
    p.add_argument("--dest", required=True)
    p.add_argument("--files", nargs="+", required=True)
    a = p.parse_args()
    dest = os.path.abspath(a.dest)
    stamp = os.path.join(dest, "FETCHED")
    try:
        source, version = owning_source_package(a.library)
        want = f"{source} {version} {a.qt_version} {' '.join(sorted(a.files))}\n"
        if os.path.exists(stamp) and open(stamp).read() == want:
            return 0  # fetched before
        apt_dir = os.path.join(dest, "apt")
        private_sources(apt_dir)
        apt(apt_dir, "update")
        download = os.path.join(dest, "download")
        shutil.rmtree(download, ignore_errors=True)
        os.makedirs(download)
        apt(apt_dir, "source", "--download-only", f"{source}={version}", cwd=download)
        out = os.path.join(dest, "qtbase")
        shutil.rmtree(out, ignore_errors=True)
        extract(download, a.files, a.qt_version, out)
        shutil.rmtree(download, ignore_errors=True)  # 46 MB: the extracted files are enough
        with open(stamp, "w") as f:
            f.write(want)
    except Unavailable as e:
        print(f"cannot fetch Qt's source: {e}", file=sys.stderr)
        return 2
    print(f"Qt's source: {source} {version} (Qt {a.qt_version}), in {dest}/qtbase")
    return 0


if __name__ == "__main__":
    sys.exit(main())
