#!/bin/bash
# Full-size durability soak (not run in CI): 100 kills of a 2,000-scan replay.
# Usage: FIELDCHECK_BIN=build/fieldcheck tests/bench/kill9-soak.sh
KILLS=${KILLS:-100} SCANS=${SCANS:-2000} exec bash "$(dirname "$0")/../cli/t0290-kill9.sh"
