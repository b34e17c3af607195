#!/bin/bash
# Front-end options: -k, -name, -full-screen, -writeconfig/-readconfig.
# TAP output.
. "${srcdir:-.}/tests/frontend/lib.sh"
need
run() {
    timeout 60 $X86PC_EMU "$X86PC" "$@" >"$T/out" 2>"$T/err" </dev/null
    rc=$?
}

run -bios "$ROM" -m 16 -display none -k fr
[ "$rc" -eq 2 ] && grep -q "only the en-us keyboard layout" "$T/err"
ok $? "-k fr: a clear error (exit $rc)"
run -bios "$ROM" -m 16 -display none -k en-us -name test1 -full-screen
ok $rc "-k en-us -name NAME -full-screen are accepted (exit $rc)"
run -bios "$ROM" -m 16 -display vnc
[ "$rc" -eq 2 ]
ok $? "-display vnc is refused (exit $rc)"
run -bios "$ROM" -m 16 -display sdl,scale=weird
[ "$rc" -eq 2 ] || grep -q 'built without SDL2' "$T/err"
ok $? "-display sdl with an unknown property is refused (exit $rc)"

run -writeconfig "$T/cfg" -bios "$ROM" -m 16 -display none \
    -screenshot "$T/a.png" -name cfgtest -no-shutdown
# -no-shutdown with no display/monitor: exits (and says so).
grep -qx "bios=$ROM" "$T/cfg" && grep -qx 'm=16' "$T/cfg" &&
    grep -qx 'display=none' "$T/cfg" && grep -qx 'no-shutdown' "$T/cfg" &&
    grep -qx 'name=cfgtest' "$T/cfg"
ok $? "-writeconfig writes the options as name=value lines"
[ "$rc" -eq 0 ] && [ -f "$T/a.png" ] &&
    grep -q 'nothing to stay open for' "$T/err"
ok $? "the run with -writeconfig itself works (exit $rc)"
rm -f "$T/a.png"
run -readconfig "$T/cfg"
[ "$rc" -eq 0 ] && "$PNGCHECK" "$T/a.png" 720 400 $CELLS
ok $? "-readconfig runs the same machine (exit $rc)"
run -readconfig "$T/cfg" -screenshot "$T/b.png"
[ "$rc" -eq 0 ] && [ -f "$T/b.png" ]
ok $? "options after -readconfig override the file's (exit $rc)"
printf 'm=16\nnosuchoption=1\n' >"$T/bad"
run -readconfig "$T/bad"
[ "$rc" -eq 2 ] && grep -q "unknown option '-nosuchoption'" "$T/err"
ok $? "an unknown option in a config file is an error (exit $rc)"
run -readconfig "$T/missing"
[ "$rc" -eq 2 ] && grep -q 'cannot open' "$T/err"
ok $? "a missing config file is an error (exit $rc)"
finish
