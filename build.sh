#!/bin/bash -eu
# The OSS-Fuzz build script; runs in the checkout (OSS-Fuzz's WORKDIR). See `scripts/semfuzz oss-fuzz-build --help`.
exec python3 scripts/semfuzz oss-fuzz-build
