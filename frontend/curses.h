/* Text-mode display in the terminal (ncurses): VGA text modes as
 * characters with the 8 basic colours (bright foreground as bold), the
 * hardware cursor, and a placeholder line in graphics modes.  Keys typed
 * in the terminal become set-2 press/release pairs (US layout, with Shift
 * or Ctrl around them as needed; cursor keys, Home/End/PgUp/PgDn,
 * Insert/Delete and F1-F12 through the terminal's key sequences).  A
 * terminal sends no key releases and no bare modifiers, so every key is a
 * press and release pair, paced at one key per 20 ms.
 * Ctrl+A X quits, Ctrl+A Ctrl+A sends Ctrl+A. */
#ifndef X86PC_CURSES_H
#define X86PC_CURSES_H
#include <stddef.h>

struct VGAState;
struct I8042;
typedef struct CursesView CursesView;

CursesView *cursesview_new(struct VGAState *vga, struct I8042 *kbc,
                           char *err, size_t errlen);
/* Restores the terminal. */
void cursesview_free(CursesView *v);
/* Reads terminal input and feeds the keyboard; 1 if the user asked to
 * quit (Ctrl+A X). */
int cursesview_input(CursesView *v, unsigned now_ms);
/* Redraws what changed; status goes on the line below the text (if the
 * terminal has room). */
void cursesview_render(CursesView *v, const char *status);
#endif
