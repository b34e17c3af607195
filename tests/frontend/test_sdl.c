/* The SDL window's input handling (frontend/sdl.c) with SDL's offscreen
 * video driver and events pushed into SDL's queue: key presses and
 * releases reach the i8042 (read back as a guest would, translated to set
 * 1), SDL's own repeat events are ignored, the front end's typematic
 * repeat runs at 500 ms / 92 ms, the Ctrl+Alt hotkeys are not passed on,
 * focus loss releases held keys, and the mouse is grabbed by a click,
 * moves and clicks as PS/2 packets, and is freed by Ctrl+Alt+G.
 * Skips (77) if SDL cannot start its offscreen driver.  TAP output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "devices/bus.h"
#include "devices/i8042.h"
#include "devices/vga.h"
#include "frontend/sdl.h"

/* SDL's video drivers load and unload system libraries that leak (seen by
 * LeakSanitizer as "<unknown module>"); x86pc's own code is leak-checked
 * by every other test, so leak detection is off in this one, whatever
 * ASAN_OPTIONS says (sanitizer builds only). */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#include <unistd.h>
#define LSAN_OFF() __lsan_disable()
/* SDL's own threads allocate too: leave without the exit-time leak check. */
#define EXIT(rc) (fflush(NULL), _exit(rc))
#else
#define LSAN_OFF() ((void)0)
#define EXIT(rc) return (rc)
#endif

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

static IOBus *bus;
static SDLView *view;
static unsigned now = 1000;

static void noirq(void *o, int n, int level)
{
    (void)o;
    (void)n;
    (void)level;
}

/* Everything in the output buffer as a hex string; mouse bytes get 'm'. */
static char got[256];
static const char *drain(void)
{
    size_t n = 0;
    got[0] = '\0';
    for (int i = 0; i < 64; i++) {
        unsigned st = iobus_read(bus, 0x64, 1);
        if (!(st & 1))
            break;
        unsigned b = iobus_read(bus, 0x60, 1);
        n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s%02X",
                              n ? " " : "", st & 0x20 ? "m" : "", b);
    }
    return got;
}

static void key(int sc, int down, int repeat)
{
    SDL_Event e;
    memset(&e, 0, sizeof(e));
    e.type = down ? SDL_KEYDOWN : SDL_KEYUP;
    e.key.state = down ? SDL_PRESSED : SDL_RELEASED;
    e.key.repeat = (Uint8)repeat;
    e.key.keysym.scancode = (SDL_Scancode)sc;
    SDL_PushEvent(&e);
}

static void pump(unsigned at)
{
    now = at;
    sdlview_events(view, now);
}

static int is(const char *want, const char *what)
{
    const char *g = drain();
    if (strcmp(g, want))
        printf("# %s: got '%s', want '%s'\n", what, g, want);
    ok(!strcmp(g, want), what);
    return 0;
}

int main(void)
{
    LSAN_OFF();
    setenv("SDL_VIDEODRIVER", "offscreen", 1);
    bus = iobus_new();
    I8042Ops kops = {.irq_kbd = irq_line(noirq, NULL, 1),
                     .irq_aux = irq_line(noirq, NULL, 12)};
    I8042 *kc = i8042_new(&kops);
    VGAOps vops = {0};
    VGAState *vga = vga_new(&vops);
    if (!bus || !kc || !vga || i8042_register(kc, bus, 0x60, 0x64) < 0) {
        printf("Bail out! cannot build the devices\n");
        return 1;
    }
    i8042_reset(kc);
    SDLViewOpts so = {0, 0};
    char err[256];
    view = sdlview_new(vga, kc, &so, err, sizeof(err));
    if (!view) {
        printf("1..0 # SKIP %s\n", err);
        return 77;
    }
    SDL_FlushEvents(SDL_FIRSTEVENT, SDL_LASTEVENT);
    pump(1000);
    drain();

    key(SDL_SCANCODE_A, 1, 0);
    pump(1000);
    is("1E", "A pressed: make code (set 1 after translation)");
    key(SDL_SCANCODE_A, 1, 1);
    pump(1010);
    is("", "SDL's repeat events are ignored");
    pump(1499);
    is("", "no typematic repeat before 500 ms");
    pump(1500);
    is("1E", "typematic repeat after 500 ms");
    pump(1591);
    is("", "nothing before the next period");
    pump(1592);
    is("1E", "then every 92 ms");
    key(SDL_SCANCODE_A, 0, 0);
    pump(1600);
    is("9E", "A released: break code");
    pump(3000);
    is("", "no repeat after the release");

    key(SDL_SCANCODE_UP, 1, 0);
    key(SDL_SCANCODE_UP, 0, 0);
    key(SDL_SCANCODE_KP_ENTER, 1, 0);
    key(SDL_SCANCODE_KP_ENTER, 0, 0);
    pump(3001);
    is("E0 48 E0 C8 E0 1C E0 9C", "extended keys: Up, keypad Enter");
    key(SDL_SCANCODE_PAUSE, 1, 0);
    key(SDL_SCANCODE_PAUSE, 0, 0);
    pump(3002);
    is("E1 1D 45 E1 9D C5", "Pause: the E1 sequence, nothing on release");
    pump(4000);
    is("", "Pause does not repeat");

    /* Ctrl+Alt+F: Ctrl and Alt reach the guest, F does not. */
    key(SDL_SCANCODE_LCTRL, 1, 0);
    key(SDL_SCANCODE_LALT, 1, 0);
    key(SDL_SCANCODE_F, 1, 0);
    key(SDL_SCANCODE_F, 0, 0);
    pump(4001);
    is("1D 38", "Ctrl+Alt+F: only Ctrl and Alt reach the guest");
    char info[256];
    sdlview_info(view, info, sizeof(info));
    ok(strstr(info, "full screen on") != NULL, "Ctrl+Alt+F: full screen on");
    key(SDL_SCANCODE_F, 1, 0);
    key(SDL_SCANCODE_F, 0, 0);
    key(SDL_SCANCODE_LALT, 0, 0);
    key(SDL_SCANCODE_LCTRL, 0, 0);
    pump(4002);
    is("B8 9D", "second Ctrl+Alt+F: only the releases of Alt and Ctrl");
    sdlview_info(view, info, sizeof(info));
    ok(strstr(info, "full screen off") != NULL, "full screen off again");

    /* Focus loss releases what is held. */
    key(SDL_SCANCODE_RSHIFT, 1, 0);
    key(SDL_SCANCODE_B, 1, 0);
    pump(5000);
    is("36 30", "RShift and B pressed");
    SDL_Event e;
    memset(&e, 0, sizeof(e));
    e.type = SDL_WINDOWEVENT;
    e.window.event = SDL_WINDOWEVENT_FOCUS_LOST;
    SDL_PushEvent(&e);
    pump(5001);
    is("B0 B6", "focus lost: the held keys are released");
    pump(9000);
    is("", "and nothing repeats");

    /* Mouse: enable it as a guest driver would (A8, D4 F4). */
    iobus_write(bus, 0x64, 0xA8, 1);
    iobus_write(bus, 0x64, 0x60, 1);
    iobus_write(bus, 0x60, 0x47, 1); /* IRQ1+IRQ12, translation */
    iobus_write(bus, 0x64, 0xD4, 1);
    iobus_write(bus, 0x60, 0xF4, 1);
    is("mFA", "mouse reporting enabled (ACK)");
    memset(&e, 0, sizeof(e));
    e.type = SDL_MOUSEMOTION;
    e.motion.xrel = 5;
    e.motion.yrel = -3;
    SDL_PushEvent(&e);
    pump(9001);
    is("", "motion before the grab is not sent");
    memset(&e, 0, sizeof(e));
    e.type = SDL_MOUSEBUTTONDOWN;
    e.button.button = SDL_BUTTON_LEFT;
    SDL_PushEvent(&e);
    e.type = SDL_MOUSEBUTTONUP;
    SDL_PushEvent(&e);
    pump(9002);
    ok(sdlview_grabbed(view) && !strcmp(drain(), ""),
       "a click grabs the mouse and is not sent");
    memset(&e, 0, sizeof(e));
    e.type = SDL_MOUSEMOTION;
    e.motion.xrel = 5;
    e.motion.yrel = -3; /* up on the screen */
    SDL_PushEvent(&e);
    pump(9003);
    is("m08 m05 m03", "grabbed motion: a PS/2 packet (dx 5, dy +3 up)");
    memset(&e, 0, sizeof(e));
    e.type = SDL_MOUSEBUTTONDOWN;
    e.button.button = SDL_BUTTON_RIGHT;
    SDL_PushEvent(&e);
    pump(9004);
    is("m0A m00 m00", "right button down");
    e.type = SDL_MOUSEBUTTONUP;
    SDL_PushEvent(&e);
    pump(9005);
    is("m08 m00 m00", "right button up");
    key(SDL_SCANCODE_RCTRL, 1, 0);
    key(SDL_SCANCODE_RALT, 1, 0);
    key(SDL_SCANCODE_G, 1, 0);
    key(SDL_SCANCODE_G, 0, 0);
    key(SDL_SCANCODE_RALT, 0, 0);
    key(SDL_SCANCODE_RCTRL, 0, 0);
    pump(9006);
    ok(!sdlview_grabbed(view) &&
           !strcmp(drain(), "E0 1D E0 38 E0 B8 E0 9D"),
       "Ctrl+Alt+G frees the mouse; G is not sent");
    memset(&e, 0, sizeof(e));
    e.type = SDL_MOUSEMOTION;
    e.motion.xrel = 1;
    SDL_PushEvent(&e);
    pump(9007);
    is("", "no motion after the release");

    memset(&e, 0, sizeof(e));
    e.type = SDL_QUIT;
    SDL_PushEvent(&e);
    ok(sdlview_events(view, 9008) == 1, "closing the window asks to quit");

    sdlview_free(view);
    vga_free(vga);
    i8042_free(kc);
    iobus_free(bus);
    printf("1..%d\n", test_no);
    EXIT(failures ? 1 : 0);
}
