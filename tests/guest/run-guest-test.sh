#!/bin/sh
# run-guest-test.sh -- runs one guest test ROM and checks its output.
#
# Usage: run-guest-test.sh DIR/NAME.bin
#
# Runs the emulator with the ROM as its firmware (plus the options of a
# "; x86pc-flags: OPTIONS" line in NAME.asm, if any, e.g. -icount shift=10;
# QEMU understands the same ones), compares what the guest
# printed on port E9 (stdout) with NAME.expected (next to this script) and
# checks the exit status: 1 (the guest wrote 0 to isa-debug-exit port 501),
# or for triple_fault 3 with "triple fault" on stderr.
#
# Environment:
#   X86PC          emulator binary (default: ./x86pc, then ../../x86pc)
#   GUEST_REF=qemu X86PC is QEMU: a triple fault just exits 0 there
#   GUEST_TIMEOUT  seconds before the run is killed (default 60)
#   GUEST_KEEP=1   keep the stdout/stderr files (NAME.out, NAME.err)
#   X86PC_EMU      command prefix for a cross-built emulator (e.g. qemu-s390x)
#
# Exit: 0 pass, 1 fail, 77 skip (no emulator), 99 hard error (automake).
set -u

bin=${1:?usage: run-guest-test.sh NAME.bin}
name=$(basename "$bin" .bin)
here=$(cd "$(dirname "$0")" && pwd)
expected=$here/$name.expected

if [ ! -f "$bin" ]; then
    echo "run-guest-test: $bin: no such ROM image" >&2
    exit 99
fi
if [ ! -f "$expected" ]; then
    echo "run-guest-test: $expected: no expected output" >&2
    exit 99
fi

# Extra emulator options from the test's source.
flags=
if [ -f "$here/$name.asm" ]; then
    flags=$(sed -n 's/^; x86pc-flags:[[:space:]]*//p' "$here/$name.asm" |
            head -n 1)
fi

emu=${X86PC:-}
if [ -z "$emu" ]; then
    for c in ./x86pc "$here/../../x86pc"; do
        if [ -x "$c" ]; then emu=$c; break; fi
    done
fi
if [ -z "$emu" ] || ! command -v "$emu" >/dev/null 2>&1; then
    echo "run-guest-test: emulator not found (set X86PC)" >&2
    exit 77
fi

tmo=${GUEST_TIMEOUT:-60}
runner=
if command -v timeout >/dev/null 2>&1; then runner="timeout $tmo"; fi

outdir=${TMPDIR:-/tmp}
out=$(mktemp "$outdir/guest-$name.out.XXXXXX") || exit 99
err=$(mktemp "$outdir/guest-$name.err.XXXXXX") || exit 99

# shellcheck disable=SC2086 # $runner, $X86PC_EMU and $flags are word lists
$runner ${X86PC_EMU:-} "$emu" -bios "$bin" -display none -debugcon stdio \
    -device isa-debug-exit,iobase=0x501,iosize=2 -m 16 -no-reboot $flags \
    >"$out" 2>"$err" </dev/null
status=$?

want_status=1
want_err=
case $name in
    triple_fault)
        if [ "${GUEST_REF:-}" = qemu ]; then
            want_status=0       # QEMU -no-reboot: plain shutdown, no report
        else
            want_status=3
            want_err='triple fault'
        fi ;;
esac

fail=0
if ! cmp -s "$expected" "$out"; then
    echo "FAIL $name: output differs (--- expected, +++ got):"
    diff -u "$expected" "$out" | sed -n '3,$p'
    fail=1
fi
if [ "$status" -ne "$want_status" ]; then
    if [ "$status" -eq 124 ] && [ -n "$runner" ]; then
        echo "FAIL $name: timed out after ${tmo}s"
    else
        echo "FAIL $name: exit status $status, expected $want_status"
    fi
    fail=1
fi
if [ -n "$want_err" ] && ! grep -q "$want_err" "$err"; then
    echo "FAIL $name: stderr does not contain '$want_err'"
    fail=1
fi
if [ "$fail" -ne 0 ] && [ -s "$err" ]; then
    echo "--- stderr:"
    head -n 20 "$err"
fi

if [ "${GUEST_KEEP:-0}" = 1 ]; then
    mv "$out" "$name.out"
    mv "$err" "$name.err"
else
    rm -f "$out" "$err"
fi
[ "$fail" -eq 0 ] && echo "PASS $name"
exit $fail
