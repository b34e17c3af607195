/* The monitor's savevm FILE / loadvm FILE commands (frontend/monitor.c):
 * a guest counts in RAM; savevm, run on, loadvm brings the counter and
 * the registers back; bad files and missing arguments are refused with a
 * message and change nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "devices/pc.h"
#include "frontend/monitor.h"
#include "memory/mem.h"

static int failures;
#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                      \
            printf(__VA_ARGS__);                                             \
            printf("\n");                                                    \
            failures++;                                                      \
        }                                                                    \
    } while (0)

static char outbuf[4096];
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
    printf("  %s -> %d %s", cmd, r, outbuf[0] ? outbuf : "\n");
    return r;
}

static int polls, poll_limit;
static int stop_poll(void *host)
{
    (void)host;
    return ++polls >= poll_limit;
}

static const uint8_t code[] = {
    0x31, 0xC0,                   /* xor ax, ax */
    0x8E, 0xD8,                   /* mov ds, ax */
    /* loop: */
    0x66, 0xFF, 0x06, 0x00, 0x05, /* inc dword [0x500] */
    0x40,                         /* inc ax */
    0xEB, 0xF9,                   /* jmp loop */
};

static uint32_t counter(PC *pc) { return (uint32_t)phys_read(pc_mem(pc), 0x500, 4); }

int main(void)
{
    static uint8_t rom[65536];
    memcpy(rom, code, sizeof(code));
    static const uint8_t reset[5] = {0xEA, 0x00, 0x00, 0x00, 0xF0};
    memcpy(rom + 0xFFF0, reset, 5);
    PCConfig cfg = {.ram_size = 16u << 20, .bios = rom,
                    .bios_size = sizeof(rom), .clock = PC_CLOCK_ICOUNT,
                    .poll = stop_poll};
    char err[256], msg[256];
    int status;
    PC *pc = pc_new(&cfg, err, sizeof(err), &status);
    if (!pc) {
        printf("FAIL: pc_new: %s\n", err);
        return 1;
    }
    mon = monitor_new(pc);
    char path[256], bad[256];
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(path, sizeof(path), "%s/x86pc-monsnap-%ld.snap", tmp,
             (long)getpid());
    snprintf(bad, sizeof(bad), "%s/x86pc-monsnap-%ld.bad", tmp,
             (long)getpid());

    printf("test_monitor_snap: savevm, run on, loadvm\n");
    polls = 0;
    poll_limit = 3;
    pc_run(pc, msg, sizeof(msg));
    uint32_t c0 = counter(pc);
    uint32_t ax0 = cpu_get_reg(pc_cpu(pc), R_EAX);
    uint64_t ic0 = cpu_icount(pc_cpu(pc));
    CHECK(c0 > 0, "the guest did not run");
    CHECK(run("savevm") < 0 &&
              strstr(outbuf, "expected a file name"),
          "savevm without a file accepted");
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "savevm %s", path);
    CHECK(run(cmd) == 0 && !outbuf[0], "savevm failed: %s", outbuf);
    polls = 0;
    pc_run(pc, msg, sizeof(msg));
    CHECK(counter(pc) != c0, "the guest did not run on");
    snprintf(cmd, sizeof(cmd), "loadvm %s", path);
    CHECK(run(cmd) == 0, "loadvm failed: %s", outbuf);
    CHECK(counter(pc) == c0, "RAM not restored (%u, want %u)", counter(pc),
          c0);
    CHECK(cpu_get_reg(pc_cpu(pc), R_EAX) == ax0 &&
              cpu_icount(pc_cpu(pc)) == ic0,
          "registers / instruction count not restored");

    printf("test_monitor_snap: bad files\n");
    polls = 0;
    pc_run(pc, msg, sizeof(msg));
    uint32_t c1 = counter(pc);
    uint64_t ic1 = cpu_icount(pc_cpu(pc));
    FILE *f = fopen(path, "rb"), *g = fopen(bad, "wb");
    if (f && g) {
        char buf[100];
        size_t n = fread(buf, 1, sizeof(buf), f);
        fwrite(buf, 1, n, g);
    }
    if (f)
        fclose(f);
    if (g)
        fclose(g);
    snprintf(cmd, sizeof(cmd), "loadvm %s", bad);
    CHECK(run(cmd) < 0 && strstr(outbuf, "truncated") &&
              strchr(outbuf, '\n') == outbuf + strlen(outbuf) - 1,
          "truncated file: '%s'", outbuf);
    CHECK(run("loadvm /nonexistent/x.snap") < 0 &&
              strstr(outbuf, "cannot open"),
          "missing file: '%s'", outbuf);
    CHECK(run("savevm /nonexistent/x.snap") < 0 &&
              strstr(outbuf, "cannot create"),
          "unwritable file: '%s'", outbuf);
    CHECK(run("loadvm") < 0, "loadvm without a file accepted");
    CHECK(counter(pc) == c1 && cpu_icount(pc_cpu(pc)) == ic1,
          "a refused loadvm changed the machine");
    CHECK(run("help") == 0 && strstr(outbuf, "savevm FILE") &&
              strstr(outbuf, "loadvm FILE"),
          "help does not list savevm/loadvm");
    remove(path);
    remove(bad);
    monitor_free(mon);
    pc_free(pc);
    if (failures) {
        printf("test_monitor_snap: %d failure(s)\n", failures);
        return 1;
    }
    printf("test_monitor_snap: all passed\n");
    return 0;
}
