#!/bin/bash
# Raw GDB remote protocol test (tests/gdb/gdb_proto.py): checksums and
# acks, qSupported, target.xml, E14 on unmapped paged addresses, Z0 never
# visible in memory reads, watchpoints, Ctrl-C, qRcmd, no-ack mode, D, k.
. "$(dirname "$0")/common.sh"
command -v python3 >/dev/null 2>&1 || skip "python3 not found"
X86PC="$X86PC" GUEST="$T/guest.bin" timeout 120 python3 "$here/gdb_proto.py"
