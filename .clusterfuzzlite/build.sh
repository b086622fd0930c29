#!/bin/bash -eu
# ClusterFuzzLite runs this as $SRC/build.sh in $SRC/semfuzz (Dockerfile's WORKDIR); the same as ../build.sh.
exec python3 scripts/semfuzz oss-fuzz-build
