/* The x86pc monitor: a small subset of QEMU's human monitor.
 *
 * Commands: help, info status|registers|version, x and xp (/Nfmt ADDR:
 * N count, format x d u o c, size b h w g), screendump FILE.png,
 * sendkey KEYS (QEMU key names, combos with '-', e.g. ctrl-alt-delete),
 * savevm FILE / loadvm FILE (whole-machine snapshots to and from a file
 * path: QEMU's take a tag name inside a disk image instead),
 * system_reset, system_powerdown (no ACPI yet: says so), stop, cont,
 * quit (q); with a host display also info display and windowdump
 * FILE.png (what the host window shows, scaled: for tests).
 *
 * monitor_exec() runs one command line and writes its output through a
 * callback, so any front end (stdio, -nographic, a GDB stub's qRcmd) can
 * drive it.  The monitor only records stop/cont/quit; the front end's run
 * loop reads monitor_paused() and monitor_quit_requested(). */
#ifndef X86PC_MONITOR_H
#define X86PC_MONITOR_H
#include <stddef.h>

struct PC;
typedef struct Monitor Monitor;

/* Output of a command: text, possibly several lines, '\n'-terminated. */
typedef void (*MonitorOut)(void *opaque, const char *text);

Monitor *monitor_new(struct PC *pc);
void monitor_free(Monitor *m);

/* Runs one command line (no trailing newline needed).  0 on success, -1 if
 * the command failed or is unknown (the reason went to out). */
int monitor_exec(Monitor *m, const char *line, MonitorOut out, void *opaque);

/* Line editing for a character stream (-monitor stdio, -nographic): feeds
 * one input byte; on CR/LF runs the line and prints a new prompt.
 * Backspace/DEL erase; the echo is written to out. */
void monitor_feed(Monitor *m, int ch, MonitorOut out, void *opaque);
/* Prints the banner and the "(x86pc) " prompt. */
void monitor_start(Monitor *m, MonitorOut out, void *opaque);

/* Host display hooks for "info display" and "windowdump" (any may be
 * NULL; without them the commands say there is no window). */
typedef struct MonitorDisplayHooks {
    void *opaque;
    /* One or more '\n'-terminated lines describing the display. */
    void (*info)(void *opaque, MonitorOut out, void *out_opaque);
    /* Writes the window's current contents as a PNG; 0, or -1 with a
     * one-line reason in err. */
    int (*windowdump)(void *opaque, const char *path, char *err,
                      size_t errlen);
} MonitorDisplayHooks;
void monitor_set_display_hooks(Monitor *m, const MonitorDisplayHooks *h);

int monitor_paused(const Monitor *m);
void monitor_set_paused(Monitor *m, int paused);
int monitor_quit_requested(const Monitor *m);
/* "running", "paused", or "halted" (the CPU waits in HLT). */
const char *monitor_state(const Monitor *m);
#endif
