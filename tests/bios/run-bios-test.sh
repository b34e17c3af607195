#!/bin/sh
# run-bios-test.sh -- boots the BIOS test disk (boottest.asm) and checks what
# its boot sector reports about the BIOS services.
#
# Runs the emulator with the x86pc BIOS, and (for reference) with SeaBIOS;
# on QEMU also once more with the x86pc BIOS and a read error injected at
# LBA 2000 (blkdebug).  Lines "T: ..." of both runs must equal boottest.expected; lines
# "M: ..." (memory map and sizes, which differ between BIOSes) of the x86pc
# BIOS run must equal boottest-mem.expected.  Both runs must end through
# isa-debug-exit with status 1.
#
# Environment:
#   BIOS_TEST_EMU    emulator command (default: qemu-system-i386); for x86pc
#                    e.g. BIOS_TEST_EMU=./x86pc
#   BIOS_TEST_ARGS   extra emulator arguments (default: none)
#   BIOS_TEST_HDA / BIOS_TEST_HDB
#                    how to attach the disks: the option placed before the
#                    image path (default: QEMU's -drive syntax is used; set
#                    e.g. BIOS_TEST_HDA=-hda BIOS_TEST_HDB=-hdb)
#   BIOS_BIN         the BIOS to test (default: bios/bios.bin of the build)
#   SEABIOS          reference BIOS (default /usr/share/seabios/bios.bin;
#                    "none" skips the reference run)
#   NASM             assembler (default nasm)
#   BIOS_TEST_TIMEOUT  seconds per run (default 60)
#   BIOS_TEST_KEYS   1: type keys through the monitor (-monitor stdio,
#                    "sendkey": QEMU and x86pc have the same syntax) and
#                    check INT 09h/16h; 0: don't; default: 1 when the
#                    emulator's name contains "qemu" or "x86pc".  The expected lines
#                    for the keys are used only when keys are typed.
#   BIOS_TEST_KEEP=1 keep the work directory
#
# Exit: 0 pass, 1 fail, 77 skip (no emulator or no nasm), 99 hard error.
set -u

here=$(cd "$(dirname "$0")" && pwd)
emu=${BIOS_TEST_EMU:-qemu-system-i386}
nasm=${NASM:-nasm}
bios=${BIOS_BIN:-}
if [ -z "$bios" ]; then
    for c in ./bios/bios.bin "$here/../../bios/bios.bin"; do
        if [ -f "$c" ]; then bios=$c; break; fi
    done
fi
seabios=${SEABIOS:-/usr/share/seabios/bios.bin}
tmo=${BIOS_TEST_TIMEOUT:-60}

if ! command -v "${emu%% *}" >/dev/null 2>&1; then
    echo "run-bios-test: $emu not found: skipped" >&2
    exit 77
fi
if ! command -v "$nasm" >/dev/null 2>&1; then
    echo "run-bios-test: $nasm not found: skipped" >&2
    exit 77
fi
if [ -z "$bios" ] || [ ! -f "$bios" ]; then
    echo "run-bios-test: BIOS image not found (set BIOS_BIN)" >&2
    exit 99
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/bios-test.XXXXXX") || exit 99
# shellcheck disable=SC2317 # called by the trap
cleanup() { if [ "${BIOS_TEST_KEEP:-0}" != 1 ]; then rm -rf "$work"; fi; }
trap cleanup EXIT

if ! "$nasm" -f bin -o "$work/boot.img" "$here/boottest.asm"; then
    echo "run-bios-test: cannot assemble boottest.asm" >&2
    exit 99
fi

# Keys are typed through the monitor (QEMU's, or x86pc's sendkey).
case ${BIOS_TEST_KEYS:-auto} in
auto) case $emu in *qemu* | *x86pc*) keys=1 ;; *) keys=0 ;; esac ;;
*) keys=$BIOS_TEST_KEYS ;;
esac
if [ "$keys" = 1 ] && ! command -v mkfifo >/dev/null 2>&1; then keys=0; fi

runner=
if command -v timeout >/dev/null 2>&1; then runner="timeout $tmo"; fi

# run NAME BIOS: boots fresh disk images with BIOS; what the guest printed
# on port E9h goes to $work/NAME.out.
run() {
    name=$1 rom=$2
    # a 16 MiB disk with the test program and data, a 200 GiB sparse one
    cp "$work/boot.img" "$work/hda.img" && truncate -s 16M "$work/hda.img" &&
        rm -f "$work/hdb.img" && truncate -s 200G "$work/hdb.img" || return 99
    if [ "$keys" = 1 ]; then
        printf '\001' | dd of="$work/hda.img" bs=1 seek=8191 conv=notrunc \
            2>/dev/null || return 99
    fi
    if [ "$name" = x86pc-err ]; then
        # QEMU's blkdebug fails every read of sector 2000 of drive 80h
        printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "2000"\n' \
            >"$work/blkdebug.conf"
        set -- -drive "file=blkdebug:$work/blkdebug.conf:$work/hda.img,format=raw,if=ide,index=0" \
            -drive "file=$work/hdb.img,format=raw,if=ide,index=1"
    elif [ -n "${BIOS_TEST_HDA:-}" ]; then
        set -- "$BIOS_TEST_HDA" "$work/hda.img" \
            "${BIOS_TEST_HDB:--hdb}" "$work/hdb.img"
    else
        set -- -drive "file=$work/hda.img,format=raw,if=ide,index=0" \
            -drive "file=$work/hdb.img,format=raw,if=ide,index=1"
    fi
    : >"$work/$name.out"
    if [ "$keys" = 1 ]; then
        # the monitor on stdin (a FIFO): type the keys once the guest waits
        rm -f "$work/mon"
        mkfifo "$work/mon" || return 99
        # shellcheck disable=SC2086 # $runner, $emu and $BIOS_TEST_ARGS are lists
        $runner $emu -bios "$rom" -display none \
            -debugcon "file:$work/$name.out" -serial null -monitor stdio \
            -m 128 -no-reboot -device isa-debug-exit,iobase=0x501,iosize=2 \
            ${BIOS_TEST_ARGS:-} "$@" <"$work/mon" >"$work/$name.mon" \
            2>"$work/$name.err" &
        pid=$!
        exec 3>"$work/mon"
        n=0
        while ! grep -q '^T: waiting for keys' "$work/$name.out" 2>/dev/null; do
            n=$((n + 1))
            if [ $n -gt $((tmo * 10)) ] || ! kill -0 $pid 2>/dev/null; then
                break
            fi
            sleep 0.1
        done
        for k in shift-a b ctrl-c up f12 kp_enter caps_lock x; do
            echo "sendkey $k" >&3
            sleep 0.1
        done
        wait $pid
        status=$?
        exec 3>&-
    else
        # shellcheck disable=SC2086 # $runner, $emu and $BIOS_TEST_ARGS are lists
        $runner $emu -bios "$rom" -display none \
            -debugcon "file:$work/$name.out" -serial null \
            -m 128 -no-reboot -device isa-debug-exit,iobase=0x501,iosize=2 \
            ${BIOS_TEST_ARGS:-} "$@" >"$work/$name.stdout" \
            2>"$work/$name.err" </dev/null
        status=$?
    fi
    if [ "$status" != 1 ]; then
        echo "run-bios-test: $name: exit status $status, expected 1" >&2
        cat "$work/$name.out" "$work/$name.err" >&2
        return 1
    fi
    # The sector written at LBA 300000000 of drive 81h, in the image file:
    # dword 300000000, then bytes (300000000 * 7 + i) & 255 from i = 4.
    got=$(dd if="$work/hdb.img" bs=512 skip=300000000 count=1 2>/dev/null |
        od -An -tx1 -N8 | tr -d ' \n')
    if [ "$got" != "00a3e11104050607" ]; then
        echo "run-bios-test: $name: LBA 300000000 of drive 81h holds $got" >&2
        return 1
    fi
    echo "ok: $name: LBA48 write landed at LBA 300000000 of the image"
    return 0
}

# check NAME PREFIX EXPECTED: the PREFIX lines of NAME.out against EXPECTED
check() {
    grep "^$2: " "$work/$1.out" >"$work/$1.$2" || true
    if ! diff -u "$3" "$work/$1.$2" >"$work/$1.$2.diff"; then
        echo "run-bios-test: $1: '$2:' lines differ from the expected:" >&2
        cat "$work/$1.$2.diff" >&2
        return 1
    fi
    echo "ok: $1: '$2:' lines as expected"
}

# The T: lines expected: boottest.expected, with the keyboard lines only
# when keys are typed.
expected_t=$work/boottest.expected
if [ "$keys" = 1 ]; then
    cp "$here/boottest.expected" "$expected_t" || exit 99
else
    grep -v -e '^T: waiting for keys' -e '^T: INT 16h AH=10h' \
        -e '^T: INT 16h AH=02h after the keys' \
        -e '^T: INT 16h after the keys' \
        "$here/boottest.expected" >"$expected_t"
fi

fail=0
if run x86pc "$bios"; then
    if head -n 1 "$work/x86pc.out" | grep -q '^x86pc BIOS$'; then
        echo "ok: x86pc: banner on the debug console"
    else
        echo "run-bios-test: x86pc: no banner on the debug console" >&2
        fail=1
    fi
    check x86pc T "$expected_t" || fail=1
    check x86pc M "$here/boottest-mem.expected" || fail=1
else
    fail=1
fi

# Read errors (QEMU only, without typed keys): the BIOS reports them on the
# console and to the caller.
case $emu in
*qemu*)
    keys_saved=$keys keys=0
    if run x86pc-err "$bios"; then
        # (the BIOS message lands inside the test's "T: AH=42h LBA 2000:" line)
        if grep -q '^T: AH=42h LBA 2000:Disk read error at LBA 2000$' "$work/x86pc-err.out" &&
            grep -q '^ CF=1 AH=10 data BAD$' "$work/x86pc-err.out" &&
            grep -q '^T: AH=42h LBA 30000: CF=0 AH=00 data ok' "$work/x86pc-err.out" &&
            grep -q '^T: done' "$work/x86pc-err.out"; then
            echo "ok: x86pc: read error at LBA 2000 reported (console, CF=1 AH=10h)"
        else
            echo "run-bios-test: x86pc: injected read error not reported:" >&2
            cat "$work/x86pc-err.out" >&2
            fail=1
        fi
    else
        fail=1
    fi
    keys=$keys_saved
    ;;
esac

if [ "$seabios" = none ]; then
    echo "SeaBIOS reference run skipped (SEABIOS=none)"
elif [ ! -f "$seabios" ]; then
    echo "SeaBIOS reference run skipped ($seabios not found)"
else
    if run seabios "$seabios"; then
        check seabios T "$expected_t" || fail=1
    else
        fail=1
    fi
fi
exit $fail
