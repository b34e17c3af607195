#!/bin/bash
# -screenshot FILE.png with -display none: a firmware that sets VGA text
# mode 3 and draws known cells; the PNG written at exit must be 720x400
# with exactly those colours.  TAP output.
. "${srcdir:-.}/tests/frontend/lib.sh"
need

timeout 60 $X86PC_EMU "$X86PC" -bios "$ROM" -m 16 -display none \
    -debugcon stdio -screenshot "$T/shot.png" >"$T/out" 2>"$T/err" </dev/null
rc=$?
[ "$rc" -eq 0 ] && grep -qx DONE "$T/out"
ok $? "the text-mode ROM runs to its halt (exit $rc)"
"$PNGCHECK" "$T/shot.png" 720 400 $CELLS 2>"$T/err"
ok $? "the screenshot is 720x400 with the cells the ROM drew"
"$PNGCHECK" "$T/shot.png" 720 400 0,0=00AA00 2>/dev/null
[ $? -ne 0 ]
ok $? "pngcheck notices a wrong pixel"

timeout 60 $X86PC_EMU "$X86PC" -bios tests/frontend/vga13.bin -m 16 \
    -display none -screenshot "$T/m13.png" >"$T/out" 2>"$T/err" </dev/null
"$PNGCHECK" "$T/m13.png" 320 200 $CELLS13 2>"$T/err"
ok $? "mode 13h: a 320x200 screenshot with the pixels the ROM drew"

timeout 60 $X86PC_EMU "$X86PC" -bios "$ROM" -m 16 -display none \
    -screenshot "$T/shot.txt" >"$T/out" 2>"$T/err" </dev/null
rc=$?
[ "$rc" -eq 2 ] && grep -q 'must end in .png' "$T/err"
ok $? "-screenshot needs a .png name (exit $rc)"

timeout 60 $X86PC_EMU "$X86PC" -bios "$ROM" -m 16 -display none \
    -screenshot /nonexistent-dir/x.png >"$T/out" 2>"$T/err" </dev/null
grep -q 'cannot create' "$T/err"
ok $? "an unwritable -screenshot path is reported"
finish
