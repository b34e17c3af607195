#!/bin/bash
# -monitor stdio with commands piped in, -no-shutdown keeping the machine
# (stopped by its firmware's HLT) open: info status, xp, screendump (pixels
# checked), an error, mouse_move/mouse_button arguments, quit.  TAP output.
. "${srcdir:-.}/tests/frontend/lib.sh"
need

printf '%s\n' 'info status' 'xp /4xb 0xb8000' "screendump $T/dump.png" \
    'nosuchcommand' 'info registers' 'mouse_move 1' 'mouse_button 99' \
    'mouse_move 3 -4 1' 'mouse_button 1' 'quit' |
    timeout 60 $X86PC_EMU "$X86PC" -bios "$ROM" -m 16 -display none \
        -monitor stdio -no-shutdown >"$T/out" 2>"$T/err"
rc=$?
ok $rc "x86pc -monitor stdio -no-shutdown exits 0 on quit (exit $rc)"
grep -q '(x86pc) ' "$T/out"
ok $? "the monitor prints its prompt"
grep -q 'VM status: paused' "$T/out"
ok $? "info status after the guest stopped: paused"
grep -q '00000000000b8000: 0xdb 0x04 0x20 0x1f' "$T/out"
ok $? "xp /4xb 0xb8000 shows the first two text cells"
grep -q "unknown command: 'nosuchcommand'" "$T/out"
ok $? "an unknown command is reported"
grep -q 'CS =F000' "$T/out" && grep -q 'HLT=1' "$T/out"
ok $? "info registers: CS and the halt state"
"$PNGCHECK" "$T/dump.png" 720 400 $CELLS 2>"$T/err"
ok $? "screendump wrote the text screen"
grep -q 'paused (-no-shutdown)' "$T/out"
ok $? "-no-shutdown says the machine is paused"
grep -q 'mouse_move: expected DX DY \[DZ\]' "$T/out" &&
    grep -q 'mouse_button: expected a button mask 0-31' "$T/out" &&
    [ "$(grep -c -e 'mouse_move: ' -e 'mouse_button: ' -e 'no PS/2 mouse' "$T/out")" = 2 ]
ok $? "mouse_move/mouse_button: bad arguments refused, good ones accepted"
finish
