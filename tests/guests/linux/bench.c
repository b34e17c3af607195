/* bench.c -- the guest side of the x86pc benchmark (runs inside the Linux
 * guest built by build-guest.sh; compiled there with gcc -m32 -static).
 *
 * Usage: bench [SCALE]      (SCALE multiplies every iteration count, default 1)
 *
 * Four parts, each timed with CLOCK_MONOTONIC and printed as
 *     bench: PART SECONDS s (DETAIL)
 * followed by "bench: total SECONDS s" and "bench: done".  The results are
 * also checked (checksums, exit statuses), so a broken emulator shows up as
 * "bench: FAIL ..." and exit status 1 rather than as a fast time:
 *   int      integer ALU loop (xorshift, multiply, divide, shifts, branches)
 *   memcpy   4 MiB buffer copied back and forth (memcpy + a byte compare)
 *   syscall  getppid() through syscall(2), no libc caching
 *   forkexec fork + execve("/bin/true") + waitpid (busybox applet)
 *
 * The times are the guest's own clock: they are only comparable between
 * emulators whose guest clock follows host time (not under -icount).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int failed;

static void fail(const char *what)
{
    printf("bench: FAIL %s\n", what);
    failed = 1;
}

/* volatile sink: keeps the compiler from deleting the loops */
static volatile uint32_t sink;

static uint32_t part_int(unsigned long iters)
{
    uint32_t x = 2463534242u, acc = 0;
    for (unsigned long i = 0; i < iters; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        acc += x * 2654435761u;
        if (x & 1)
            acc ^= x / ((i & 255) + 1);
        else
            acc = (acc << 3) | (acc >> 29);
    }
    return acc;
}

/* The same computation, done a second time with a different loop shape, as
 * the reference the timed loop is checked against. */
static uint32_t part_int_ref(unsigned long iters)
{
    uint32_t x = 2463534242u, acc = 0;
    unsigned long i = 0;
    while (i != iters) {
        uint32_t y = x;
        y = y ^ (y << 13);
        y = y ^ (y >> 17);
        y = y ^ (y << 5);
        x = y;
        acc = acc + y * 2654435761u;
        if ((y & 1) != 0)
            acc = acc ^ (y / (uint32_t)((i % 256) + 1));
        else
            acc = (acc << 3) | (acc >> 29);
        i++;
    }
    return acc;
}

int main(int argc, char **argv)
{
    unsigned long scale = 1;
    if (argc > 1) {
        scale = strtoul(argv[1], NULL, 10);
        if (scale == 0 || scale > 1000) {
            fprintf(stderr, "usage: bench [SCALE 1..1000]\n");
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    double t_all = now(), t0, dt;

    /* int */
    unsigned long n = 20000000ul * scale;
    t0 = now();
    uint32_t acc = part_int(n);
    dt = now() - t0;
    sink = acc;
    printf("bench: int %.3f s (%lu iterations, %.1f M/s, sum %08x)\n", dt, n,
           dt > 0 ? (double)n / dt / 1e6 : 0.0, (unsigned)acc);
    if (part_int_ref(1000000) != part_int(1000000))
        fail("int: results of the two loop forms differ");

    /* memcpy */
    size_t sz = 4u << 20;
    unsigned rounds = 16 * (unsigned)scale;
    unsigned char *a = malloc(sz), *b = malloc(sz);
    if (!a || !b) {
        fail("memcpy: out of memory");
        return 1;
    }
    for (size_t i = 0; i < sz; i++)
        a[i] = (unsigned char)(i * 7 + (i >> 12));
    t0 = now();
    for (unsigned r = 0; r < rounds; r++) {
        memcpy(b, a, sz);
        memcpy(a, b, sz);
    }
    dt = now() - t0;
    if (memcmp(a, b, sz) != 0)
        fail("memcpy: buffers differ");
    for (size_t i = 0; i < sz; i += 4093)
        if (a[i] != (unsigned char)(i * 7 + (i >> 12))) {
            fail("memcpy: data changed");
            break;
        }
    printf("bench: memcpy %.3f s (%u MiB copied, %.1f MiB/s)\n", dt,
           rounds * 2 * 4, dt > 0 ? rounds * 8.0 / dt : 0.0);
    free(a);
    free(b);

    /* syscall */
    n = 200000ul * scale;
    pid_t pp = getppid();
    t0 = now();
    for (unsigned long i = 0; i < n; i++)
        if (syscall(SYS_getppid) != pp) {
            fail("syscall: getppid changed");
            break;
        }
    dt = now() - t0;
    printf("bench: syscall %.3f s (%lu calls, %.2f us/call)\n", dt, n,
           n ? dt * 1e6 / (double)n : 0.0);

    /* fork + exec */
    n = 50ul * scale;
    t0 = now();
    for (unsigned long i = 0; i < n; i++) {
        pid_t p = fork();
        if (p < 0) {
            fail("forkexec: fork failed");
            break;
        }
        if (p == 0) {
            execl("/bin/true", "true", (char *)NULL);
            _exit(127);
        }
        int st;
        if (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            fail("forkexec: /bin/true did not exit 0");
            break;
        }
    }
    dt = now() - t0;
    printf("bench: forkexec %.3f s (%lu runs, %.2f ms/run)\n", dt, n,
           n ? dt * 1e3 / (double)n : 0.0);

    printf("bench: total %.3f s\n", now() - t_all);
    printf("bench: %s\n", failed ? "FAILED" : "done");
    return failed;
}
