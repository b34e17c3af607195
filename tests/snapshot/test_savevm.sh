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
#  Done for N in the interrupt-counting loop and in the HLT phase.
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
run() {
    # shellcheck disable=SC2086
    ${X86PC_EMU:-} "$emu" -bios "$rom" -display none -debugcon stdio \
        -device isa-debug-exit,iobase=0x501,iosize=2 -m 16 -no-reboot \
        -icount shift=10 "$@" </dev/null
}

run -trace "$dir/t1" >"$dir/o1" 2>"$dir/e1"
st1=$?
if [ "$st1" -ne 1 ] || [ ! -s "$dir/t1" ]; then
    echo "FAIL: reference run: status $st1"; cat "$dir/e1"; exit 1
fi
total=$(wc -l <"$dir/t1")
echo "reference run: $total instructions traced"

for n in 300007 1003000; do
    if [ "$n" -ge "$total" ]; then
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
    if [ "$st3" -ne "$st1" ]; then
        echo "FAIL N=$n: restored run exit status $st3, wanted $st1"
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
            echo "PASS N=$n: $(wc -l <"$dir/t3") instructions and" \
                 "$(wc -c <"$dir/o3") bytes of output match the reference"
        fi
    fi
done

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
exit $fail
