#!/usr/bin/env bash
# Every fuzz target for a few seconds, its regression inputs replayed first (tests/fuzz/README.md).
exec "$(dirname "$0")/../fuzz/run_brief.sh" "$@"
