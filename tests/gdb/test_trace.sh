#!/bin/bash
# Instruction traces (-trace, frontend/trace.h) and the guest hypercall
# port (tests/guest/hypercall.asm):
#   - determinism: tests/guest/timer_irq (IRQ0 from the PIT, HLT) run twice
#     with -icount and a fixed RTC date gives byte-identical traces (with
#     registers), and the trace covers the interrupts ("event" lines);
#   - the trace format: first instruction, line count = instructions;
#   - hypercalls: PRINT on stderr, ADDSYM symbols in the trace, TRACE
#     on/off limits the trace to the traced call, BREAK stops -debugger,
#     EXIT sets the exit status;
#   - a trace reader that goes away (| head) stops the trace, not the guest.
. "$(dirname "$0")/common.sh"
guest=$here/../guest
nasm -f bin -I"$guest/" -o "$T/timer_irq.bin" "$guest/timer_irq.asm" || exit 99
nasm -f bin -I"$guest/" -o "$T/hypercall.bin" "$guest/hypercall.asm" || exit 99

run() { # run ROM ARGS...: stdout $T/out, stderr $T/err, status rc
    local rom=$1
    shift
    timeout 120 ${X86PC_EMU:-} "$X86PC" -bios "$rom" -display none -m 16 \
        -no-reboot -device isa-debug-exit,iobase=0x501,iosize=2 "$@" \
        >"$T/out" 2>"$T/err" </dev/null
    rc=$?
}

# ---- determinism
flags="-icount shift=10 -rtc base=2020-01-01 -debugcon file:$T/con1"
run "$T/timer_irq.bin" $flags -trace "$T/t1" -trace-regs
rc1=$rc
run "$T/timer_irq.bin" -icount shift=10 -rtc base=2020-01-01 \
    -debugcon "file:$T/con2" -trace "$T/t2" -trace-regs
[ "$rc1" -eq 1 ] && [ "$rc" -eq 1 ]
ok $? "timer_irq runs to the end twice with -trace ($rc1, $rc)"
cmp -s "$guest/timer_irq.expected" "$T/con1" && cmp -s "$guest/timer_irq.expected" "$T/con2"
ok $? "tracing does not change the guest's results (timer_irq.expected)"
cmp "$T/t1" "$T/t2"
ok $? "the two traces are byte for byte identical ($(wc -l <"$T/t1") lines)"
head -n 1 "$T/t1" | grep -Eq '^0000000000000000 f000:0000fff0 fffffff0 ea[0-9a-f]{8} +jmp 0xf000:0x[0-9a-f]+ \| eax=00000000 '
ok $? "first line: icount 0, the reset vector, bytes, disassembly, registers"
ev=$(grep -c ' event -> ' "$T/t1")
[ "$ev" -ge 60 ]
ok $? "interrupts appear as event lines ($ev)"
grep -q ' hlt ' "$T/t1" && grep -q ' iret ' "$T/t1"
ok $? "HLT and IRET are traced"
# the last instruction (OUT to isa-debug-exit) is traced too; the icount of
# the last line + 1 = instruction lines (events do not retire anything)
last=$(grep -v ' event -> ' "$T/t1" | tail -n 1 | cut -c1-16)
lines=$(grep -vc ' event -> ' "$T/t1")
[ $((16#$last + 1)) -eq "$lines" ]
ok $? "one line per retired instruction (last icount 0x$last, $lines lines)"
tail -n 1 "$T/t1" | grep -q 'out dx,al | eax='
ok $? "the exiting OUT is the last line"
rm -f "$T/t1" "$T/t2"

# ---- hypercalls
run "$T/hypercall.bin" -debugcon stdio
ok $([ "$rc" -eq 1 ] && echo 0 || echo 1) "HC_EXIT 1 gives exit status 1 ($rc)"
cmp -s "$guest/hypercall.expected" "$T/out"
ok $? "guest-visible results match hypercall.expected"
grep -qx 'x86pc: guest: hello from the guest' "$T/err"
ok $? "HC_PRINT goes to stderr"

run "$T/hypercall.bin" -debugcon "file:$T/con" -trace "$T/ht" -trace-regs
# -trace from the start; the guest's TRACE 1 keeps it on, TRACE 0 ends it
grep -q 'call 0x859 <traced_fn>' "$T/ht"
ok $? "HC_ADDSYM names the call target in the trace"
tail -n 1 "$T/ht" | grep -q 'mov dx,0x8a4'
ok $? "HC_TRACE 0 stops the trace (the OUT turning it off is not logged)"
grep -q 'mov ax,0x1234 | eax=00001234' "$T/ht" &&
    grep -q 'add ax,0x101 | eax=00001335' "$T/ht"
ok $? "-trace-regs shows the registers after each instruction"

# trace only what the guest asks for: -debugger, trace started by the guest
printf 'c\nc\n' | timeout 60 ${X86PC_EMU:-} "$X86PC" -bios "$T/hypercall.bin" \
    -display none -m 16 -no-reboot -debugcon "file:$T/con3" -debugger \
    >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -eq 1 ]
ok $? "with -debugger the guest still exits with 1 ($rc)"
grep -Eq '^\(0\) Stopped, next at f000:0000[0-9a-f]{4} \(linear 000f[0-9a-f]{4}\): 66 ed' "$T/out"
ok $? "HC_BREAK stops in the debugger after the OUT (at the IN)"
# a trace reader that goes away (| head) stops the trace with one line on
# stderr; the guest runs to its end
timeout 120 ${X86PC_EMU:-} "$X86PC" -bios "$T/timer_irq.bin" -display none -m 16 \
    -no-reboot -device isa-debug-exit,iobase=0x501,iosize=2 -icount shift=10 \
    -rtc base=2020-01-01 -debugcon "file:$T/con4" -trace - 2>"$T/err" </dev/null |
    head -n 3 >"$T/out"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 1 ] && [ "$(wc -l <"$T/out")" -eq 3 ] && cmp -s "$T/con4" "$T/con1"
ok $? "-trace - | head: the guest still runs to its end (exit $rc, same output)"
[ "$(wc -l <"$T/err")" -eq 1 ] &&
    grep -q 'x86pc: trace: the reader of the trace output went away: tracing stopped' "$T/err"
ok $? "... and one line on stderr says the trace stopped"
echo "1..$n"
exit $fail
