#!/bin/sh
# test-bench-parse.sh -- checks bench.py's parser of x86pc's `-d stats`
# lines ("x86pc: stats: key=value ...") on fixed text.  Skips without
# python3.
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
exec python3 "$(dirname "$0")/bench.py" --self-test
