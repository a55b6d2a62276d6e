#!/bin/bash
# Installs what building and running need when it is missing (only that:
# packaging/install-deps.sh --build, not the test tool chain), builds, and
# opens fieldcheck on a generated demo mission in a scratch data directory
# (nothing outside it is touched). Arguments go to `fieldcheck demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install-deps.sh --build
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/release -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
export FIELDCHECK_HOME=${FIELDCHECK_HOME:-$PWD/build/demo-home}
# the freshly built catalogs, so a Chinese locale gets Chinese without installing
export FIELDCHECK_LOCALEDIR=${FIELDCHECK_LOCALEDIR:-$PWD/build/release/locale}
exec ./build/release/fieldcheck demo "$@"
