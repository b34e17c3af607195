#!/bin/sh
# bochs-ref.sh -- runs a guest test ROM under Bochs (a second, stricter
# reference than QEMU TCG: Bochs checks segment limits and rights on every
# access) and prints what the guest wrote to port E9.
#
# Usage: bochs-ref.sh NAME.bin     (needs the Debian "bochs" package)
# BOCHS_CPU selects the CPU model (default pentium; e.g. p3_katmai for
# PGE, core2_penryn_t9600 for PAE with NX).
# Bochs has no isa-debug-exit; lib.inc's exit also writes "Shutdown" to
# port 8900, which ends the simulation.  A triple fault ends it as well
# (reset_on_triple_fault=0).  BOCHS_EXTRA adds lines to the bochsrc (e.g.
# "floppya: 1_44=IMG, status=inserted" for fdc_dma).  Developer tool: not
# run by `make check`.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bochs-ref.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
head -c 32768 /dev/zero >"$tmp/vga.bin"
cat >"$tmp/bochsrc" <<RC
megs: 16
romimage: file=$bin
vgaromimage: file=$tmp/vga.bin
display_library: rfb, options="timeout=0"
port_e9_hack: enabled=1
cpu: model=${BOCHS_CPU:-pentium}, reset_on_triple_fault=0
log: $tmp/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
${BOCHS_EXTRA:-}
RC
echo c >"$tmp/cont.rc"
(cd "$tmp" && timeout "${GUEST_TIMEOUT:-60}" bochs -q -f bochsrc -rc cont.rc \
    >stdout 2>/dev/null </dev/null)
# The guest's E9 output is interleaved with Bochs' banner and debugger
# lines: keep what follows the first debugger prompt line, drop the rest.
awk 'go && /^\(0\)\.\[/ { next }
     go && /^=+$/ { skip = !skip; next }
     go && !skip { print }
     /^\(0\) \[0x0000fffffff0\]/ { go = 1 }' "$tmp/stdout"
if [ -n "${BOCHS_LOG:-}" ]; then grep -v ' i\[' "$tmp/bochs.log" >"$BOCHS_LOG"; fi
