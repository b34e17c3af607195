/* SDL2 window for the VGA output, with keyboard and mouse input.
 *
 * The window shows vga_get_display()'s frame buffer, scaled by an integer
 * factor (1x for 640+ pixel wide modes, 2x for 320x200...; the window
 * follows mode changes) or, with smooth scaling, by any factor with
 * linear filtering (the window is then resizable).  Only the dirty
 * rectangle from vga_render() is uploaded.  Ctrl+Alt+F toggles full
 * screen; a click grabs the mouse (relative motion, 3 buttons, wheel);
 * Ctrl+Alt+G releases it.  Keys go to the guest as set-2 sequences
 * (frontend/keymap.h); SDL's key repeat is ignored and a held key repeats
 * at the PS/2 default typematic rate (500 ms delay, 10.9/s), which the
 * keyboard model leaves to the front end (devices/ps2.h). */
#ifndef X86PC_SDL_H
#define X86PC_SDL_H
#include <stddef.h>

struct VGAState;
struct I8042;
typedef struct SDLView SDLView;

typedef struct SDLViewOpts {
    int smooth;      /* linear filtering, any scale */
    int full_screen; /* start in full screen */
} SDLViewOpts;

SDLView *sdlview_new(struct VGAState *vga, struct I8042 *kbc,
                     const SDLViewOpts *o, char *err, size_t errlen);
void sdlview_free(SDLView *v);
/* Handles pending window/input events and the typematic repeat; 1 if the
 * user closed the window. */
int sdlview_events(SDLView *v, unsigned now_ms);
/* Renders what changed and presents the frame. */
void sdlview_render(SDLView *v);
/* Sets the title: base plus the mouse grab hint when grabbed.  Only talks
 * to SDL if the result changed. */
void sdlview_title(SDLView *v, const char *base);
int sdlview_grabbed(const SDLView *v);
/* One line: window and guest sizes, scale, full screen, grab, frames. */
void sdlview_info(SDLView *v, char *buf, size_t len);
/* Redraws the window and writes what it shows (renderer output size) as a
 * PNG.  0, or -1 with a reason in err. */
int sdlview_windowdump(SDLView *v, const char *path, char *err,
                       size_t errlen);
#endif
