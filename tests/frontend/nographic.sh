#!/bin/bash
# -nographic: COM1 and the monitor multiplexed on the terminal; C-a c
# switches to the monitor, C-a h prints help, C-a x quits.  TAP output.
. "${srcdir:-.}/tests/frontend/lib.sh"
need

printf '\001h\001cinfo status\n\001x' |
    timeout 60 $X86PC_EMU "$X86PC" -bios "$ROM" -m 16 -nographic \
        -no-shutdown >"$T/out" 2>"$T/err"
rc=$?
ok $rc "C-a x quits with status 0 (exit $rc)"
grep -q 'C-a c    switch between' "$T/out"
ok $? "C-a h prints the help"
grep -q 'VM status: paused' "$T/out"
ok $? "C-a c opens the monitor"
grep -q 'terminated (C-a x)' "$T/out"
ok $? "C-a x says it quits"

# COM1 on the terminal: what is typed reaches the guest (Ctrl+C included,
# C-a C-a as one C-a), what it sends appears on stdout.
printf 'ab\003\001\001q' |
    timeout 60 $X86PC_EMU "$X86PC" -bios tests/frontend/serecho.bin -m 16 \
        -nographic >"$T/out" 2>"$T/err"
rc=$?
ok $rc "the serial echo ROM halts after 'q' (exit $rc)"
grep -q '^READY' "$T/out"
ok $? "COM1 output appears on the terminal"
grep -q '61 62 03 01 71' "$T/out" && grep -q '^BYE' "$T/out"
ok $? "typed bytes reach COM1: a b Ctrl+C, C-a C-a as C-a, q"

timeout 60 $X86PC_EMU "$X86PC" -bios "$ROM" -m 16 -nographic \
    -display sdl >"$T/out" 2>"$T/err" </dev/null
rc=$?
[ "$rc" -eq 2 ]
ok $? "-nographic with -display sdl/curses is refused (exit $rc)"
timeout 60 $X86PC_EMU "$X86PC" -bios "$ROM" -m 16 -nographic \
    -monitor stdio >"$T/out" 2>"$T/err" </dev/null
rc=$?
[ "$rc" -eq 2 ] && grep -q 'already on the terminal' "$T/err"
ok $? "-nographic with -monitor stdio is refused (exit $rc)"
finish
