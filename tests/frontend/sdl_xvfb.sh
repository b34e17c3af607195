#!/bin/bash
# -display sdl under Xvfb: the window opens on the virtual X server, the
# firmware's text screen is rendered, the monitor's screendump holds it and
# the X server's own copy of the window (xwd, when available) shows the
# same pixels.  Skips (77) without SDL2 support, xvfb-run or under a
# cross-build emulator.  TAP output.
# The X11/GL driver stack that SDL loads under Xvfb leaks from modules it
# unloads again (LeakSanitizer sees "<unknown module>"); leak checking of
# x86pc's own code is done by every other test, so it is off here.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
. "${srcdir:-.}/tests/frontend/lib.sh"
need
if [ -n "${X86PC_EMU:-}" ]; then
    echo "1..0 # SKIP cross build"
    exit 77
fi
if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "1..0 # SKIP xvfb-run not installed (Debian package xvfb)"
    exit 77
fi
if ! "$X86PC" -display sdl -help >/dev/null 2>&1; then
    echo "1..0 # SKIP x86pc built without SDL2"
    exit 77
fi

# Commands are sent once the guest has stopped (x86pc prints "paused
# (-no-shutdown)" when the firmware halts) and the window has had a second
# to show frames: a fixed delay was not enough on a loaded machine, where
# Xvfb alone can take seconds to start.
after_halt() {
    for _ in $(seq 60); do
        grep -q 'paused (-no-shutdown)' "$1" 2>/dev/null && break
        sleep 0.5
    done
    sleep 1
}
(after_halt "$T/out"; printf '%s\n' 'info status' 'info display' \
    "screendump $T/sdl.png" "windowdump $T/win.png" 'quit') |
    timeout 60 xvfb-run -a -s '-screen 0 1024x768x24' \
        env SDL_VIDEODRIVER=x11 "$X86PC" -bios "$ROM" -m 16 -display sdl \
        -monitor stdio -no-shutdown -name xvfbtest \
        -screenshot "$T/exit.png" >"$T/out" 2>"$T/err"
rc=$?
ok $rc "x86pc -display sdl runs under Xvfb and quits from the monitor (exit $rc)"
grep -q 'VM status: paused' "$T/out"
ok $? "the monitor works next to the window"
"$PNGCHECK" "$T/sdl.png" 720 400 $CELLS 2>"$T/err"
ok $? "the monitor's screendump shows the text screen"
"$PNGCHECK" "$T/exit.png" 720 400 $CELLS 2>"$T/err"
ok $? "-screenshot at exit with the SDL display"
grep -q 'sdl: window 720x400, guest 720x400, integer scale 1' "$T/out"
ok $? "info display: a 720x400 window at scale 1 for text mode"
"$PNGCHECK" "$T/win.png" 720 400 $CELLS 2>"$T/err"
ok $? "the window itself (read back from the renderer) shows the cells"
! grep -qi 'cannot' "$T/err"
ok $? "no SDL errors on stderr"

# Mode 13h: the window is 2x (640x400), nearest-neighbour.
rm -f "$T/out"
(after_halt "$T/out"; printf '%s\n' 'info display' "windowdump $T/win13.png" 'quit') |
    timeout 60 xvfb-run -a -s '-screen 0 1024x768x24' \
        env SDL_VIDEODRIVER=x11 "$X86PC" -bios tests/frontend/vga13.bin \
        -m 16 -display sdl -monitor stdio -no-shutdown >"$T/out" 2>"$T/err"
rc=$?
ok $rc "mode 13h under Xvfb (exit $rc)"
grep -q 'sdl: window 640x400, guest 320x200, integer scale 2' "$T/out"
ok $? "info display: 320x200 is shown at 2x"
"$PNGCHECK" "$T/win13.png" 640 400 $WIN13 2>"$T/err"
ok $? "the window holds every guest pixel as a 2x2 block"
! grep -qi 'cannot' "$T/err"
ok $? "no SDL errors on stderr"
finish
