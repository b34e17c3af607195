/* SDL2 window: see sdl.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "frontend/sdl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "devices/i8042.h"
#include "devices/vga.h"
#include "frontend/keymap.h"
#include "frontend/png.h"

#define TYPEMATIC_DELAY_MS 500
#define TYPEMATIC_PERIOD_MS 92 /* 10.9 characters per second */

struct SDLView {
    VGAState *vga;
    I8042 *kbc;
    SDLViewOpts opt;
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    int tw, th;       /* texture (guest mode) size */
    int scale;        /* integer scale of the window */
    int full;         /* full screen */
    int grabbed;
    unsigned buttons; /* i8042 button bits */
    uint8_t down[256]; /* HID usages held down */
    int rep_hid;      /* key that repeats (0: none) */
    unsigned rep_next;
    char title[256];
    char base[200];   /* title without the grab hint */
    int need_present; /* window exposed/resized: present even if clean */
    unsigned long frames, uploads;
};

static int int_scale(int w, int h)
{
    int s = 1;
    while (w * (s + 1) <= 720 && h * (s + 1) <= 480)
        s++;
    SDL_Rect b;
    if (SDL_GetDisplayUsableBounds(0, &b) == 0)
        while (s > 1 && (w * s > b.w || h * s > b.h))
            s--;
    return s;
}

/* (Re)creates the texture for a w x h frame and fits the window. */
static int set_mode(SDLView *v, int w, int h)
{
    if (v->tex)
        SDL_DestroyTexture(v->tex);
    v->tex = SDL_CreateTexture(v->ren, SDL_PIXELFORMAT_RGB888,
                               SDL_TEXTUREACCESS_STREAMING, w, h);
    if (!v->tex)
        return -1;
    v->tw = w;
    v->th = h;
    SDL_RenderSetLogicalSize(v->ren, w, h);
    SDL_RenderSetIntegerScale(v->ren, v->opt.smooth ? SDL_FALSE : SDL_TRUE);
    if (!v->full) {
        v->scale = int_scale(w, h);
        SDL_SetWindowSize(v->win, w * v->scale, h * v->scale);
    }
    return 0;
}

SDLView *sdlview_new(VGAState *vga, I8042 *kbc, const SDLViewOpts *o,
                     char *err, size_t errlen)
{
    SDLView *v = calloc(1, sizeof(*v));
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    v->vga = vga;
    v->kbc = kbc;
    v->opt = *o;
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, o->smooth ? "linear" : "nearest");
    SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
    if (SDL_Init(SDL_INIT_VIDEO) < 0) {
        snprintf(err, errlen, "-display sdl: cannot initialise SDL: %s",
                 SDL_GetError());
        free(v);
        return NULL;
    }
    /* Without a window system SDL falls back to drivers that show
     * nothing; only accept them when asked for by name. */
    const char *drv = SDL_GetCurrentVideoDriver();
    if (drv && (!strcmp(drv, "offscreen") || !strcmp(drv, "dummy")) &&
        !getenv("SDL_VIDEODRIVER")) {
        snprintf(err, errlen, "-display sdl: no window system (SDL found "
                 "only its '%s' driver; is $DISPLAY or $WAYLAND_DISPLAY "
                 "set?)", drv);
        SDL_Quit();
        free(v);
        return NULL;
    }
    Uint32 fl = SDL_WINDOW_ALLOW_HIGHDPI;
    if (o->smooth)
        fl |= SDL_WINDOW_RESIZABLE;
    v->win = SDL_CreateWindow("x86pc", SDL_WINDOWPOS_UNDEFINED,
                              SDL_WINDOWPOS_UNDEFINED, 640, 480, fl);
    if (v->win)
        v->ren = SDL_CreateRenderer(v->win, -1, 0);
    if (!v->win || !v->ren) {
        snprintf(err, errlen, "-display sdl: cannot open a window: %s",
                 SDL_GetError());
        sdlview_free(v);
        return NULL;
    }
    int w, h, stride;
    const uint32_t *px;
    vga_get_display(vga, &w, &h, &px, &stride);
    if (set_mode(v, w, h) < 0) {
        snprintf(err, errlen, "-display sdl: cannot create a texture: %s",
                 SDL_GetError());
        sdlview_free(v);
        return NULL;
    }
    if (o->full_screen) {
        v->full = 1;
        SDL_SetWindowFullscreen(v->win, SDL_WINDOW_FULLSCREEN_DESKTOP);
    }
    vga_invalidate(vga);
    return v;
}

void sdlview_free(SDLView *v)
{
    if (!v)
        return;
    if (v->tex)
        SDL_DestroyTexture(v->tex);
    if (v->ren)
        SDL_DestroyRenderer(v->ren);
    if (v->win)
        SDL_DestroyWindow(v->win);
    SDL_Quit();
    free(v);
}

int sdlview_grabbed(const SDLView *v) { return v->grabbed; }

static void send_key(SDLView *v, unsigned key, int down)
{
    uint8_t seq[8];
    size_t n = keymap_set2_bytes(key, down, seq);
    if (n && v->kbc)
        i8042_kbd_put_bytes(v->kbc, seq, n);
}

static void set_grab(SDLView *v, int on)
{
    v->grabbed = on;
    SDL_SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE);
    SDL_SetWindowGrab(v->win, on ? SDL_TRUE : SDL_FALSE);
    sdlview_title(v, NULL);
}

/* Releases every key the guest thinks is held (focus lost). */
static void release_all(SDLView *v)
{
    for (int i = 0; i < 256; i++)
        if (v->down[i]) {
            v->down[i] = 0;
            send_key(v, keymap_hid_to_key(i), 0);
        }
    v->rep_hid = 0;
    if (v->buttons && v->kbc) {
        v->buttons = 0;
        i8042_mouse_event(v->kbc, 0, 0, 0, 0);
    }
}

static int is_modifier(int hid)
{
    return hid >= 224 && hid <= 231;
}

static void on_key(SDLView *v, const SDL_KeyboardEvent *e, unsigned now)
{
    int hid = e->keysym.scancode;
    int down = e->type == SDL_KEYDOWN;
    if (e->repeat || hid <= 0 || hid > 255)
        return;
    /* Modifiers from what the guest was sent (not SDL's state), so the
     * hotkeys follow the keys the guest saw. */
    int ctrl = v->down[SDL_SCANCODE_LCTRL] || v->down[SDL_SCANCODE_RCTRL];
    int alt = v->down[SDL_SCANCODE_LALT] || v->down[SDL_SCANCODE_RALT];
    if (down && ctrl && alt) {
        if (hid == SDL_SCANCODE_F) {
            v->full = !v->full;
            SDL_SetWindowFullscreen(v->win,
                                    v->full ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
            if (!v->full)
                SDL_SetWindowSize(v->win, v->tw * v->scale, v->th * v->scale);
            return;
        }
        if (hid == SDL_SCANCODE_G) {
            if (v->grabbed)
                set_grab(v, 0);
            return;
        }
    }
    unsigned key = keymap_hid_to_key(hid);
    if (!key)
        return;
    if (!down && !v->down[hid])
        return; /* e.g. the hotkey's F or G */
    v->down[hid] = (uint8_t)down;
    send_key(v, key, down);
    if (down && !is_modifier(hid) && key != KEYMAP_PAUSE) {
        v->rep_hid = hid;
        v->rep_next = now + TYPEMATIC_DELAY_MS;
    } else if (!down && hid == v->rep_hid) {
        v->rep_hid = 0;
    }
}

static unsigned button_bit(int b)
{
    switch (b) {
    case SDL_BUTTON_LEFT: return 1;
    case SDL_BUTTON_RIGHT: return 2;
    case SDL_BUTTON_MIDDLE: return 4;
    case SDL_BUTTON_X1: return 8;
    case SDL_BUTTON_X2: return 16;
    default: return 0;
    }
}

int sdlview_events(SDLView *v, unsigned now)
{
    SDL_Event e;
    int quit = 0;
    while (SDL_PollEvent(&e)) {
        switch (e.type) {
        case SDL_QUIT:
            quit = 1;
            break;
        case SDL_KEYDOWN:
        case SDL_KEYUP:
            on_key(v, &e.key, now);
            break;
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
            if (!v->grabbed) {
                if (e.type == SDL_MOUSEBUTTONDOWN &&
                    e.button.button == SDL_BUTTON_LEFT)
                    set_grab(v, 1);
                break;
            }
            if (e.type == SDL_MOUSEBUTTONDOWN)
                v->buttons |= button_bit(e.button.button);
            else
                v->buttons &= ~button_bit(e.button.button);
            if (v->kbc)
                i8042_mouse_event(v->kbc, 0, 0, 0, v->buttons);
            break;
        case SDL_MOUSEMOTION:
            if (v->grabbed && v->kbc &&
                (e.motion.xrel || e.motion.yrel))
                i8042_mouse_event(v->kbc, e.motion.xrel, e.motion.yrel, 0,
                                  v->buttons);
            break;
        case SDL_MOUSEWHEEL:
            if (v->grabbed && v->kbc && e.wheel.y) {
                int dz = e.wheel.direction == SDL_MOUSEWHEEL_FLIPPED
                             ? e.wheel.y
                             : -e.wheel.y; /* dz > 0: toward the user */
                i8042_mouse_event(v->kbc, 0, 0, dz, v->buttons);
            }
            break;
        case SDL_WINDOWEVENT:
            if (e.window.event == SDL_WINDOWEVENT_FOCUS_LOST) {
                release_all(v);
                if (v->grabbed)
                    set_grab(v, 0);
            } else if (e.window.event == SDL_WINDOWEVENT_EXPOSED ||
                       e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
                v->need_present = 1;
            }
            break;
        default:
            break;
        }
    }
    /* Typematic repeat of the last key pressed (make code only). */
    if (v->rep_hid && v->down[v->rep_hid] && (int)(now - v->rep_next) >= 0) {
        send_key(v, keymap_hid_to_key(v->rep_hid), 1);
        v->rep_next = now + TYPEMATIC_PERIOD_MS;
    }
    return quit;
}

void sdlview_render(SDLView *v)
{
    VGARect r;
    int changed = vga_render(v->vga, &r);
    int w, h, stride;
    const uint32_t *px;
    vga_get_display(v->vga, &w, &h, &px, &stride);
    if (w != v->tw || h != v->th) {
        if (set_mode(v, w, h) < 0)
            return;
        r.x = r.y = 0;
        r.w = w;
        r.h = h;
        changed = 1;
    }
    if (!changed && !v->need_present)
        return;
    v->need_present = 0;
    /* Clip: the rectangle comes from the device model. */
    if (r.x < 0) { r.w += r.x; r.x = 0; }
    if (r.y < 0) { r.h += r.y; r.y = 0; }
    if (r.x + r.w > w) r.w = w - r.x;
    if (r.y + r.h > h) r.h = h - r.y;
    if (r.w > 0 && r.h > 0) {
        SDL_Rect sr = {r.x, r.y, r.w, r.h};
        const uint8_t *src = (const uint8_t *)px + (size_t)r.y * stride +
                             (size_t)r.x * 4;
        SDL_UpdateTexture(v->tex, &sr, src, stride);
        v->uploads++;
    }
    v->frames++;
    SDL_SetRenderDrawColor(v->ren, 0, 0, 0, 255);
    SDL_RenderClear(v->ren);
    SDL_RenderCopy(v->ren, v->tex, NULL, NULL);
    SDL_RenderPresent(v->ren);
}

void sdlview_title(SDLView *v, const char *base)
{
    char t[256];
    if (base)
        snprintf(v->base, sizeof(v->base), "%s", base);
    snprintf(t, sizeof(t), "%s%s", v->base,
             v->grabbed ? " - mouse grabbed: Ctrl+Alt+G releases it" : "");
    if (strcmp(t, v->title)) {
        snprintf(v->title, sizeof(v->title), "%s", t);
        SDL_SetWindowTitle(v->win, t);
    }
}

void sdlview_info(SDLView *v, char *buf, size_t len)
{
    int ww = 0, wh = 0;
    SDL_GetRendererOutputSize(v->ren, &ww, &wh);
    const char *drv = SDL_GetCurrentVideoDriver();
    snprintf(buf, len, "sdl: window %dx%d, guest %dx%d, %s scale %d, full "
             "screen %s, mouse %s, %lu frames, %lu uploads, driver %s\n", ww,
             wh, v->tw, v->th, v->opt.smooth ? "smooth" : "integer", v->scale,
             v->full ? "on" : "off", v->grabbed ? "grabbed" : "free",
             v->frames, v->uploads, drv ? drv : "?");
}

int sdlview_windowdump(SDLView *v, const char *path, char *err,
                       size_t errlen)
{
    int ww = 0, wh = 0;
    if (SDL_GetRendererOutputSize(v->ren, &ww, &wh) < 0 || ww <= 0 ||
        wh <= 0) {
        snprintf(err, errlen, "no window size: %s", SDL_GetError());
        return -1;
    }
    uint32_t *px = malloc((size_t)ww * (size_t)wh * 4);
    if (!px) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    SDL_SetRenderDrawColor(v->ren, 0, 0, 0, 255);
    SDL_RenderClear(v->ren);
    SDL_RenderCopy(v->ren, v->tex, NULL, NULL);
    int r = SDL_RenderReadPixels(v->ren, NULL, SDL_PIXELFORMAT_RGB888, px,
                                 ww * 4);
    SDL_RenderPresent(v->ren);
    if (r < 0) {
        snprintf(err, errlen, "cannot read the window: %s", SDL_GetError());
        free(px);
        return -1;
    }
    for (size_t i = 0; i < (size_t)ww * (size_t)wh; i++)
        px[i] &= 0xFFFFFF;
    r = png_save(path, ww, wh, px, ww * 4, err, errlen);
    free(px);
    return r;
}
