#!/bin/sh
# test_savevm.sh -- snapshots through the command line (-savevm-at,
# -loadvm) with a guest that uses timers and interrupts.
#
#  1. timer_irq.bin (PIT IRQ0 counted during a loop, HLT woken by the
#     timer; -icount shift=10) runs straight through with -trace;
#  2. again with -savevm-at N,FILE: trace and port-E9 output identical to
#     run 1 (saving does not disturb the run);
#  3. from -loadvm FILE: its trace is the tail of run 1's trace from
#     instruction N on and its port-E9 output is the rest of run 1's,
#     byte for byte; the exit status is the same.
#  Done for N in the interrupt-counting loop and in the HLT phase; and
#     the snapshot saved at N1 straight equals the one saved at N1 by a run
#     restored from N0 (the whole state, not just what the trace shows).
#     The same with the x86pc BIOS booting a hard disk (-snapshot).
#  4. bad snapshots (truncated, flipped magic, another -m, another
#     configuration, garbage in the compressed state): one line
#     "x86pc: loadvm FILE: ..." on stderr, exit status 1, no crash.
#
# Needs x86pc and tests/guest/timer_irq.bin in the build directory.
set -u
emu=${X86PC:-./x86pc}
rom=${ROM:-tests/guest/timer_irq.bin}
if [ ! -x "$emu" ] || [ ! -f "$rom" ]; then
    echo "test_savevm: $emu or $rom missing" >&2
    exit 99
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/savevm.XXXXXX") || exit 99
trap 'rm -rf "$dir"' EXIT
fail=0
# A fixed RTC date: otherwise each process starts its RTC at the host's
# time and runs started in different seconds save different RTC states.
# Every run is bounded: a broken restore may leave a guest waiting for a
# timer that never fires.
tmo=
if command -v timeout >/dev/null 2>&1; then tmo="timeout 60"; fi
run() {
    # shellcheck disable=SC2086
    $tmo ${X86PC_EMU:-} "$emu" -bios "$rom" -display none -debugcon stdio \
        -device isa-debug-exit,iobase=0x501,iosize=2 -m 16 -no-reboot \
        -icount shift=10 -rtc base=2020-01-01 "$@" </dev/null
}

run -trace "$dir/t1" >"$dir/o1" 2>"$dir/e1"
st1=$?
if [ "$st1" -ne 1 ] || [ ! -s "$dir/t1" ]; then
    echo "FAIL: reference run: status $st1"; cat "$dir/e1"; exit 1
fi
total=$(wc -l <"$dir/t1")
echo "reference run: $total trace lines"

for n in 300007 1006800; do
    if ! grep -q "^$(printf %016x "$n") " "$dir/t1"; then
        echo "FAIL: N=$n is past the end of the run ($total)"; fail=1; continue
    fi
    rm -f "$dir/s.snap"
    run -trace "$dir/t2" -savevm-at "$n,$dir/s.snap" >"$dir/o2" 2>"$dir/e2"
    st2=$?
    if [ "$st2" -ne "$st1" ] || ! cmp -s "$dir/t1" "$dir/t2" ||
       ! cmp -s "$dir/o1" "$dir/o2" || [ ! -s "$dir/s.snap" ]; then
        echo "FAIL N=$n: the run that saved differs from the reference"
        cat "$dir/e2"; fail=1; continue
    fi
    run -trace "$dir/t3" -loadvm "$dir/s.snap" >"$dir/o3" 2>"$dir/e3"
    st3=$?
    # The trace line of instruction n starts with n as 16 hex digits.
    first=$(head -n 1 "$dir/t3" | cut -d' ' -f1)
    want=$(printf '%016x' "$n")
    # Run 1's trace from its first line for instruction n (lines are not
    # one per count: HLT and interrupt delivery show up too).
    line=$(grep -n -m 1 "^$want " "$dir/t1" | cut -d: -f1)
    tail -n +"${line:-999999999}" "$dir/t1" >"$dir/tail"
    # E9 output: run 1's output minus what was printed before N (the
    # output of a run that stops at N is a prefix of it).
    if [ "$st3" -ne "$st1" ] || [ -s "$dir/e3" ]; then
        echo "FAIL N=$n: restored run exit status $st3 (wanted $st1), stderr:"
        cat "$dir/e3"; fail=1
    elif [ "$first" != "$want" ]; then
        echo "FAIL N=$n: restored trace starts at $first, wanted $want"; fail=1
    elif ! cmp -s "$dir/tail" "$dir/t3"; then
        echo "FAIL N=$n: restored trace differs from the reference's tail:"
        diff "$dir/tail" "$dir/t3" | head -n 5; fail=1
    else
        pre=$(($(wc -c <"$dir/o1") - $(wc -c <"$dir/o3")))
        if [ "$pre" -lt 0 ] ||
           ! tail -c +"$((pre + 1))" "$dir/o1" | cmp -s - "$dir/o3"; then
            echo "FAIL N=$n: restored E9 output is not the reference's tail"
            fail=1
        else
            echo "PASS N=$n: $(wc -l <"$dir/t3") trace lines and" \
                 "$(wc -c <"$dir/o3") bytes of output match the reference"
        fi
    fi
done

# The whole state: a snapshot taken at N1 in one run equals the one taken
# at N1 by a run restored from N0 (RAM, VRAM, CPU, every device, clock).
# (The runs end with status 1 through isa-debug-exit.)
run -savevm-at "1008500,$dir/a.snap" >/dev/null 2>&1
run -savevm-at "1006700,$dir/b0.snap" >/dev/null 2>&1
run -loadvm "$dir/b0.snap" -savevm-at "1008500,$dir/b.snap" >/dev/null 2>&1
if [ -s "$dir/a.snap" ] && cmp -s "$dir/a.snap" "$dir/b.snap"; then
    echo "PASS: state at 1008500 identical straight and restored from 1006700"
else
    echo "FAIL: state at 1008500 differs between the straight and the" \
         "restored run"; fail=1
fi

# The same through the x86pc BIOS booting a hard disk (PCI, PAM shadow
# RAM, VGA BIOS, ATA, fw_cfg, -snapshot overlay), if nasm can build the
# boot sector.
bios=bios/bios.bin
if command -v "${NASM:-nasm}" >/dev/null 2>&1 && [ -f "$bios" ] &&
   "${NASM:-nasm}" -f bin -o "$dir/hd.img" "$(dirname "$0")/../boot/hdboot.asm"
then
    truncate -s 1M "$dir/hd.img" 2>/dev/null ||
        dd if=/dev/zero of="$dir/hd.img" bs=1 count=0 seek=1048576 2>/dev/null
    boot() {
        # shellcheck disable=SC2086
        $tmo ${X86PC_EMU:-} "$emu" -bios "$bios" -display none -m 32 \
            -icount shift=8 -rtc base=2020-01-01 -no-reboot -debugcon stdio \
            -device isa-debug-exit -hda "$dir/hd.img" -snapshot "$@" </dev/null
    }
    boot -trace "$dir/bt1" >"$dir/bo1" 2>/dev/null
    bst=$?
    if [ "$bst" -ne 1 ] || ! grep -q "booted from the hard disk" "$dir/bo1"
    then
        echo "FAIL: BIOS boot reference run (status $bst)"; fail=1
    else
        for n in 20000 100000; do
            boot -savevm-at "$n,$dir/bs.snap" >/dev/null 2>&1
            boot -trace "$dir/bt3" -loadvm "$dir/bs.snap" >"$dir/bo3" 2>"$dir/be3"
            st=$?
            want=$(printf '%016x' "$n")
            line=$(grep -n -m 1 "^$want " "$dir/bt1" | cut -d: -f1)
            pre=$(($(wc -c <"$dir/bo1") - $(wc -c <"$dir/bo3")))
            if [ "$st" -eq "$bst" ] && [ -n "$line" ] && [ ! -s "$dir/be3" ] &&
               tail -n +"$line" "$dir/bt1" | cmp -s - "$dir/bt3" &&
               [ "$pre" -ge 0 ] &&
               tail -c +"$((pre + 1))" "$dir/bo1" | cmp -s - "$dir/bo3"; then
                echo "PASS BIOS boot N=$n: $(wc -l <"$dir/bt3") trace lines" \
                     "and the output match the reference"
            else
                echo "FAIL BIOS boot N=$n: the restored run differs"
                head -n 3 "$dir/be3"; fail=1
            fi
        done
        boot -savevm-at "130000,$dir/ba.snap" >/dev/null 2>&1
        boot -savevm-at "30000,$dir/bb0.snap" >/dev/null 2>&1
        boot -loadvm "$dir/bb0.snap" -savevm-at "130000,$dir/bb.snap" \
            >/dev/null 2>&1
        if [ -s "$dir/ba.snap" ] && cmp -s "$dir/ba.snap" "$dir/bb.snap"; then
            echo "PASS BIOS boot: state at 130000 identical straight and" \
                 "restored from 30000"
        else
            echo "FAIL BIOS boot: state at 130000 differs"; fail=1
        fi
    fi
else
    echo "SKIP BIOS boot scenario (nasm or bios/bios.bin missing)"
fi

# Bad snapshots: one clear line, status 1, no crash.
snap=$dir/s.snap
bad() {
    what=$1; want=$2; shift 2
    run "$@" >"$dir/ob" 2>"$dir/eb"
    st=$?
    lines=$(wc -l <"$dir/eb")
    if [ "$st" -ne 1 ] || [ "$lines" -ne 1 ] ||
       ! grep -q "^x86pc: loadvm .*$want" "$dir/eb" || [ -s "$dir/ob" ]; then
        echo "FAIL bad input ($what): status $st, stderr:"
        head -n 5 "$dir/eb"; fail=1
    else
        echo "PASS bad input ($what): $(cat "$dir/eb")"
    fi
}
size=$(wc -c <"$snap")
head -c $((size / 2)) "$snap" >"$dir/trunc.snap"
bad truncated "truncated" -loadvm "$dir/trunc.snap"
head -c 40 "$snap" >"$dir/trunc2.snap"
bad "truncated header" "truncated" -loadvm "$dir/trunc2.snap"
{ printf 'Y'; tail -c +2 "$snap"; } >"$dir/magic.snap"
bad "flipped magic" "bad magic" -loadvm "$dir/magic.snap"
bad "another -m" "RAM" -loadvm "$snap" -m 32
bad "another configuration" "configuration" -loadvm "$snap" -debugcon2 null
# 64 bytes of garbage at 1/4 of the file: inside the compressed machine
# state (the device sections).
q=$((size / 4))
{ head -c "$q" "$snap"; head -c 64 /dev/zero | tr '\0' '\125';
  tail -c +"$((q + 65))" "$snap"; } >"$dir/garbage.snap"
bad "garbage in the device state" "corrupted" -loadvm "$dir/garbage.snap"
bad "missing file" "cannot open" -loadvm "$dir/none.snap"
# -savevm-at N beyond the end of the run: the guest's exit status, and one
# line saying that nothing was written
run -savevm-at "999999999999,$dir/never.snap" >/dev/null 2>"$dir/en"
st=$?
if [ "$st" -eq "$st1" ] && [ ! -e "$dir/never.snap" ] &&
   grep -q '^x86pc: -savevm-at: the machine stopped after [0-9]* instructions, before 999999999999: no snapshot written' "$dir/en"; then
    echo "PASS -savevm-at never reached: $(cat "$dir/en")"
else
    echo "FAIL -savevm-at never reached: status $st, stderr:"
    head -n 5 "$dir/en"; fail=1
fi
exit $fail
