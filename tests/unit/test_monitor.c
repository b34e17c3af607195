/* Monitor commands driven through monitor_exec() against a small machine:
 * a PC whose 64 KiB firmware (built here, no assembler needed) loads
 * registers and memory, then copies every byte the keyboard controller
 * delivers to 0x600.  TAP output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "devices/pc.h"
#include "devices/vga.h"
#include "frontend/monitor.h"
#include "memory/mem.h"
#include "tests/frontend/pngread.h"

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

static char outbuf[16384];
static void collect(void *opaque, const char *text)
{
    (void)opaque;
    size_t n = strlen(outbuf);
    snprintf(outbuf + n, sizeof(outbuf) - n, "%s", text);
}

static Monitor *mon;
static int run(const char *cmd)
{
    outbuf[0] = '\0';
    int r = monitor_exec(mon, cmd, collect, NULL);
    printf("# %s -> %d: ", cmd, r);
    for (const char *p = outbuf; *p; p++) {
        putchar(*p);
        if (*p == '\n' && p[1])
            printf("#   ");
    }
    if (!*outbuf || outbuf[strlen(outbuf) - 1] != '\n')
        putchar('\n');
    return r;
}

static int polls, poll_limit;
static int stop_poll(void *host)
{
    (void)host;
    return ++polls >= poll_limit;
}

static const uint8_t code[] = {
    0xB8, 0x34, 0x12,             /* mov ax, 0x1234 */
    0xBB, 0x78, 0x56,             /* mov bx, 0x5678 */
    0x31, 0xC9,                   /* xor cx, cx */
    0x8E, 0xD9,                   /* mov ds, cx */
    0x8E, 0xC1,                   /* mov es, cx */
    0xC7, 0x06, 0x00, 0x05, 0xEF, 0xBE, /* mov word [0x500], 0xBEEF */
    0xC6, 0x06, 0x02, 0x05, 0x41, /* mov byte [0x502], 'A' */
    0xBF, 0x00, 0x06,             /* mov di, 0x600 */
    0xFC,                         /* cld */
    0xFA,                         /* cli */
    /* loop: */
    0xE4, 0x64,                   /* in al, 0x64 */
    0xA8, 0x01,                   /* test al, 1 */
    0x74, 0xFA,                   /* jz loop */
    0xE4, 0x60,                   /* in al, 0x60 */
    0xAA,                         /* stosb */
    0x81, 0xFF, 0x10, 0x06,       /* cmp di, 0x610 */
    0x72, 0xF1,                   /* jb loop */
    0xF4,                         /* hlt */
};

int main(void)
{
    static uint8_t rom[65536];
    memcpy(rom, code, sizeof(code));
    static const uint8_t reset[5] = {0xEA, 0x00, 0x00, 0x00, 0xF0};
    memcpy(rom + 0xFFF0, reset, 5);
    PCConfig cfg = {
        .ram_size = 16u << 20,
        .bios = rom,
        .bios_size = sizeof(rom),
        .clock = PC_CLOCK_ICOUNT,
        .poll = stop_poll,
    };
    char err[256], msg[256];
    int status;
    PC *pc = pc_new(&cfg, err, sizeof(err), &status);
    if (!pc) {
        printf("Bail out! pc_new: %s\n", err);
        return 1;
    }
    mon = monitor_new(pc);
    poll_limit = 1;
    int r = pc_run(pc, msg, sizeof(msg));
    ok(r == PC_EXIT_HOST, "the machine runs until the poll hook stops it");

    ok(run("info registers") == 0 && strstr(outbuf, "EBX=00005678") &&
           strstr(outbuf, "EAX=000012") && strstr(outbuf, "CS =F000") &&
           strstr(outbuf, "CR0=") && strstr(outbuf, "EFL="),
       "info registers shows EBX, EAX, CS, CR0 and EFLAGS");
    ok(run("info status") == 0 && !strcmp(outbuf, "VM status: running\n"),
       "info status: running");
    ok(run("xp /3xb 0x500") == 0 &&
           !strcmp(outbuf, "0000000000000500: 0xef 0xbe 0x41\n"),
       "xp /3xb shows the bytes written by the guest");
    ok(run("x /1xh 0x500") == 0 && !strcmp(outbuf, "00000500: 0xbeef\n"),
       "x /1xh reads a halfword");
    ok(run("x /2dh 0x500") == 0 && !strcmp(outbuf, "00000500: -16657 65\n"),
       "x /2dh: signed decimal");
    ok(run("x /1uw 0x500") == 0 && !strcmp(outbuf, "00000500: 4308719\n"),
       "x /1uw: unsigned word");
    ok(run("x /3c 0x500") == 0 && strstr(outbuf, "'A'") &&
           strstr(outbuf, "\\xef"),
       "x /3c: characters");
    ok(run("xp 0x500") == 0 && !strcmp(outbuf, "0000000000000500: 0x0041beef\n"),
       "xp without a format: one hex word");
    ok(run("x /10xb 0x500") == 0 && strstr(outbuf, "\n00000508: ") != NULL,
       "x /10xb wraps after 8 bytes");
    ok(run("x /2q 0x500") < 0 && strstr(outbuf, "unknown format"),
       "x with a bad format is refused");
    ok(run("x /0xb 0x500") < 0 && run("x /1xb") < 0 &&
           run("x /1xb 0x100000000") < 0,
       "x: zero count, missing or too large address refused");

    /* sendkey: the guest copies what the controller delivers (translated
     * to set 1) to 0x600. */
    ok(run("sendkey ctrl-alt-delete") == 0, "sendkey ctrl-alt-delete");
    polls = 0;
    poll_limit = 3;
    pc_run(pc, msg, sizeof(msg));
    uint8_t got[8] = {0};
    phys_dma_read(pc_mem(pc), 0x600, got, 8);
    static const uint8_t cad[8] = {0x1D, 0x38, 0xE0, 0x53,
                                   0xE0, 0xD3, 0xB8, 0x9D};
    printf("# keyboard bytes: %02X %02X %02X %02X %02X %02X %02X %02X\n",
           got[0], got[1], got[2], got[3], got[4], got[5], got[6], got[7]);
    ok(!memcmp(got, cad, 8),
       "the guest reads 1D 38 E0 53 E0 D3 B8 9D (press, release in reverse)");
    ok(run("sendkey ctrl-nosuchkey") < 0 && strstr(outbuf, "unknown key"),
       "sendkey with an unknown key name");
    ok(run("sendkey") < 0, "sendkey without keys");

    /* screendump: the PNG holds the VGA frame buffer. */
    const char *png = "test_monitor.tmp.png";
    ok(run("screendump test_monitor.tmp.png") == 0, "screendump");
    size_t len = 0;
    uint8_t *buf = read_whole(png, &len);
    int w = 0, h = 0, chunks, vw, vh, stride;
    const uint32_t *vpx;
    uint32_t *px = buf ? png_read(buf, len, &w, &h, &chunks, err,
                                  sizeof(err))
                       : NULL;
    vga_get_display(pc_vga(pc), &vw, &vh, &vpx, &stride);
    int same = px && w == vw && h == vh;
    for (int y = 0; same && y < h; y++)
        for (int x = 0; same && x < w; x++)
            same = px[(size_t)y * w + x] ==
                   (((const uint32_t *)((const uint8_t *)vpx +
                                        (size_t)y * stride))[x] & 0xFFFFFF);
    printf("# screendump: %dx%d\n", w, h);
    ok(same, "the screendump PNG equals the VGA frame buffer");
    free(px);
    free(buf);
    remove(png);
    ok(run("screendump /nonexistent-dir/x.png") < 0 &&
           strstr(outbuf, "cannot create"),
       "screendump to an unwritable path fails with a message");

    /* stop / cont */
    ok(run("stop") == 0 && monitor_paused(mon) && run("info status") == 0 &&
           !strcmp(outbuf, "VM status: paused\n"),
       "stop pauses: info status says paused");
    ok(run("cont") == 0 && !monitor_paused(mon), "cont resumes");

    /* system_reset: the firmware runs again from the reset vector. */
    cpu_set_reg(pc_cpu(pc), R_EBX, 0);
    ok(run("system_reset") == 0, "system_reset");
    polls = 0;
    poll_limit = 2;
    pc_run(pc, msg, sizeof(msg));
    ok(run("info registers") == 0 && strstr(outbuf, "EBX=00005678"),
       "after system_reset the firmware ran again (EBX reloaded)");

    ok(run("system_powerdown") == 0,
       "system_powerdown presses the ACPI power button");
    ok(run("frobnicate") < 0 && strstr(outbuf, "unknown command"),
       "unknown command");
    ok(run("help") == 0 && strstr(outbuf, "screendump") &&
           strstr(outbuf, "sendkey") && strstr(outbuf, "\nquit|q "),
       "help lists the commands");
    ok(run("") == 0 && outbuf[0] == '\0', "an empty line does nothing");

    /* Line input: characters, backspace, CR LF. */
    outbuf[0] = '\0';
    const char *typed = "info stx\x7f" "atus\r\n";
    for (const char *p = typed; *p; p++)
        monitor_feed(mon, (unsigned char)*p, collect, NULL);
    ok(strstr(outbuf, "VM status: running\n(x86pc) ") != NULL,
       "monitor_feed: line editing and CR LF run one command");

    ok(!monitor_quit_requested(mon) && run("quit") == 0 &&
           monitor_quit_requested(mon),
       "quit sets the quit request");

    /* The halt after 16 keyboard bytes: the state says halted. */
    monitor_free(mon);
    pc_free(pc);
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
