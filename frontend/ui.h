/* The user interface around the machine: display (SDL window, curses
 * text, none), the monitor (-monitor stdio, -nographic's Ctrl+A C), the
 * -nographic terminal multiplexer, -screenshot, -no-shutdown, and the
 * -readconfig/-writeconfig option files.
 *
 * main.c hands it the options it does not know (ui_option), lets it claim
 * COM1 for -nographic (ui_prepare), calls ui_poll/ui_idle from the board's
 * poll/idle hooks and ui_finish when pc_run returns. */
#ifndef X86PC_UI_H
#define X86PC_UI_H
#include <signal.h>
#include <stddef.h>

#include "devices/pc.h"

enum { UI_DISPLAY_DEFAULT = 0, UI_DISPLAY_NONE, UI_DISPLAY_SDL,
       UI_DISPLAY_CURSES };

typedef struct UIOptions {
    int display;          /* UI_DISPLAY_* */
    int smooth;           /* -display sdl,scale=smooth */
    int nographic;
    int monitor_stdio;    /* -monitor stdio */
    const char *screenshot;
    const char *name;
    int full_screen;
    int no_shutdown;
} UIOptions;

typedef struct UI UI;

/* Whether -NAME (without the dash) is a UI option: -1 no, 0 a flag, 1 it
 * takes an argument. */
int ui_option_arity(const char *name);
/* Applies a UI option (arg NULL for flags); exits with status 2 and a
 * message on a bad value. */
void ui_option(UIOptions *o, const char *name, const char *arg);

/* -readconfig FILE / -writeconfig FILE: replaces *argv by the argument
 * vector with the options of every -readconfig file inserted where the
 * option was (so later options override them), and writes every option
 * (after expansion, without -readconfig/-writeconfig) to the -writeconfig
 * file.  File format: one option a line, "name=value" or "name" for a
 * flag; '#' starts a comment line.  Exits with status 2 on an error. */
void ui_config_argv(int *argc, char ***argv);

/* Before pc_new(): checks the options against each other (nserial = number
 * of -serial options; serial_stdio: one of them is stdio; debugcon_stdio:
 * -debugcon stdio) and, for -nographic without -serial, attaches COM1 to
 * the terminal multiplexer (cfg->serial[0] is set; ui_owns_com1() then
 * says 1).  Exits with status 2 on a conflict. */
UI *ui_new(UIOptions *o, PCConfig *cfg, int nserial, int serial_stdio,
           int debugcon_stdio);
/* After pc_new(): opens the window / terminal.  stop_flag: the front end's
 * signal flag (nonzero = leave).  0, or -1 with a message in err. */
int ui_start(UI *ui, PC *pc, volatile sig_atomic_t *stop_flag, char *err,
             size_t errlen);
/* 1 if ui_new attached COM1 to the multiplexer. */
int ui_owns_com1(const UI *ui);
/* From the board's poll hook: input, rendering, the monitor; blocks while
 * the machine is paused.  Nonzero: stop the machine. */
int ui_poll(UI *ui);
/* From the board's idle hook: waits up to max_ms for terminal input.
 * 1 if it waited, 0 if the caller should wait itself. */
int ui_idle(UI *ui, unsigned max_ms);
/* pc_run returned status with message msg: -no-shutdown keeps the UI
 * open (paused) until quit; writes -screenshot; closes the window and
 * restores the terminal.  Returns the status to exit with. */
int ui_finish(UI *ui, int status, const char *msg);
void ui_free(UI *ui);
#endif
