#!/bin/sh
# run-mouse-test.sh -- the PS/2 mouse BIOS test (mousetest.asm): INT 15h
# AX=C2xxh and packets delivered through IRQ12 to the installed handler.
#
# Boots the test disk with the emulator's monitor on a FIFO (-monitor
# stdio); once the guest prints "U: waiting for the mouse" it types
#   mouse_move 5 -3 / mouse_button 3 / mouse_button 0 / mouse_move -2 4
# The guest's "U:" lines must equal mousetest.expected.  Runs:
#   x86pc with this BIOS and with SeaBIOS (when installed),
#   qemu-system-i386 (when installed) with this BIOS and with SeaBIOS.
# SeaBIOS is the reference: the same expected lines must come out, but
# for the error codes of two invalid requests (C205h BH=9: 03h instead of
# 02h, C200h BH=2: 01h instead of 02h).
#
# Environment: X86PC (default ./x86pc), X86PC_EMU (a command prefix),
# QEMU (default qemu-system-i386; "none" skips it), BIOS_BIN, SEABIOS
# ("none" skips it), NASM, MOUSE_TEST_TIMEOUT (seconds per run, default
# 60), MOUSE_TEST_KEEP=1 keeps the work directory.
# Exit: 0 pass, 1 fail, 77 skip (no nasm or mkfifo), 99 hard error.
set -u

here=$(cd "$(dirname "$0")" && pwd)
nasm=${NASM:-nasm}
x86pc=${X86PC:-./x86pc}
[ -x "$x86pc" ] || x86pc=$here/../../x86pc
qemu=${QEMU:-qemu-system-i386}
seabios=${SEABIOS:-/usr/share/seabios/bios.bin}
tmo=${MOUSE_TEST_TIMEOUT:-60}
bios=${BIOS_BIN:-}
if [ -z "$bios" ]; then
    for c in ./bios/bios.bin "$here/../../bios/bios.bin"; do
        if [ -f "$c" ]; then bios=$c; break; fi
    done
fi
if ! command -v "$nasm" >/dev/null 2>&1 || ! command -v mkfifo >/dev/null 2>&1; then
    echo "run-mouse-test: nasm or mkfifo not found: skipped" >&2
    exit 77
fi
if [ -z "$bios" ] || [ ! -f "$bios" ]; then
    echo "run-mouse-test: BIOS image not found (set BIOS_BIN)" >&2
    exit 99
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mouse-test.XXXXXX") || exit 99
# shellcheck disable=SC2317 # called by the trap
cleanup() { if [ "${MOUSE_TEST_KEEP:-0}" != 1 ]; then rm -rf "$work"; fi; }
trap cleanup EXIT

if ! "$nasm" -f bin -o "$work/test.img" "$here/mousetest.asm"; then
    echo "run-mouse-test: cannot assemble mousetest.asm" >&2
    exit 99
fi
truncate -s 1M "$work/test.img" || exit 99

runner=
if command -v timeout >/dev/null 2>&1; then runner="timeout $tmo"; fi

# run NAME ROM DISKOPTION EMULATOR...: boots the disk, types the mouse
# commands, checks the U: lines.
run() {
    name=$1 rom=$2 disk=$3
    shift 3
    : >"$work/$name.out"
    rm -f "$work/$name.mon"
    mkfifo "$work/$name.mon" || return 99
    # shellcheck disable=SC2086 # $runner and $disk are lists
    $runner "$@" -bios "$rom" -display none -debugcon "file:$work/$name.out" \
        -serial null -monitor stdio -m 32 -no-reboot \
        -device isa-debug-exit,iobase=0x501,iosize=2 $disk "$work/test.img" \
        <"$work/$name.mon" >"$work/$name.stdout" 2>"$work/$name.err" &
    pid=$!
    exec 3>"$work/$name.mon"
    n=0
    while ! grep -q '^U: waiting for the mouse' "$work/$name.out" 2>/dev/null; do
        n=$((n + 1))
        if [ $n -gt $((tmo * 10)) ] || ! kill -0 $pid 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    for cmd in "mouse_move 5 -3" "mouse_button 3" "mouse_button 0" \
        "mouse_move -2 4"; do
        echo "$cmd" >&3
        sleep 0.3
    done
    wait $pid
    status=$?
    exec 3>&-
    if [ "$status" != 1 ]; then
        echo "run-mouse-test: $name: exit status $status, expected 1" >&2
        cat "$work/$name.out" "$work/$name.err" >&2
        return 1
    fi
    grep '^U: ' "$work/$name.out" >"$work/$name.U"
    # SeaBIOS answers two invalid requests with other error codes
    case $name in
    *seabios) sed -e 's/^\(U: C205h init, 9-byte packets: CF=01\) AH=02$/\1 AH=03/' \
        -e 's/^\(U: C200h BH=2: CF=01\) AH=02$/\1 AH=01/' \
        "$here/mousetest.expected" >"$work/$name.expected" ;;
    *) cp "$here/mousetest.expected" "$work/$name.expected" ;;
    esac
    if ! diff -u "$work/$name.expected" "$work/$name.U" >&2; then
        echo "run-mouse-test: $name: 'U:' lines differ from the expected" >&2
        return 1
    fi
    echo "ok: $name: 'U:' lines as expected"
}

fail=0
ran=0
[ -f "$seabios" ] || seabios=none
if [ -x "$x86pc" ]; then
    case $x86pc in /*) ;; *) x86pc=$(pwd)/$x86pc ;; esac
    # shellcheck disable=SC2086 # $X86PC_EMU is a list
    run x86pc "$bios" -hda ${X86PC_EMU:-} "$x86pc" || fail=1
    if [ "$seabios" != none ]; then
        # shellcheck disable=SC2086
        run x86pc-seabios "$seabios" -hda ${X86PC_EMU:-} "$x86pc" || fail=1
    fi
    ran=1
else
    echo "x86pc run skipped (no x86pc binary)"
fi
if [ "$qemu" != none ] && command -v "${qemu%% *}" >/dev/null 2>&1; then
    # shellcheck disable=SC2086 # $qemu may carry options
    run qemu "$bios" -hda $qemu || fail=1
    if [ "$seabios" != none ]; then
        # shellcheck disable=SC2086
        run qemu-seabios "$seabios" -hda $qemu || fail=1
    fi
    ran=1
else
    echo "QEMU run skipped"
fi
[ $ran = 1 ] || exit 77
exit $fail
