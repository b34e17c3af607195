#!/bin/bash
# -display curses in a pseudo-terminal (script(1), TERM=xterm-256color,
# 30x100): the text screen of vgatext.bin is drawn with its colours, the
# status line says paused after the guest stopped (-no-shutdown), C-a x
# quits.  Skips (77) without curses support or script(1).  TAP output.
. "${srcdir:-.}/tests/frontend/lib.sh"
need
if [ -n "$X86PC_EMU" ]; then
    echo "1..0 # SKIP cross build"
    exit 77
fi
if ! command -v script >/dev/null 2>&1; then
    echo "1..0 # SKIP script(1) not installed"
    exit 77
fi
if ! "$X86PC" -display curses -help >/dev/null 2>&1; then
    echo "1..0 # SKIP x86pc built without curses"
    exit 77
fi
(sleep 2; printf '\001x') | TERM=xterm-256color timeout 60 script -qec \
    "stty rows 30 cols 100; '$X86PC' -display curses -bios '$ROM' -m 16 -no-shutdown -name cur" \
    /dev/null >"$T/out" 2>"$T/err"
rc=$?
ok $rc "x86pc -display curses runs and C-a x quits (exit $rc)"
esc=$(printf '\033')
grep -qa "x86pc - cur - paused" "$T/out"
ok $? "the status line says the machine is paused"
grep -qa "${esc}\[44m" "$T/out" && grep -qa "${esc}\[42m" "$T/out" &&
    grep -qa "${esc}\[31m" "$T/out"
ok $? "blue and green backgrounds and a red foreground are drawn"
finish
