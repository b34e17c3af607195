/* tests/diff/oracle_client.h -- the emulator side's link to a host-CPU
 * oracle program (x86pc-diff-oracle, x86pc-fpu-oracle): start it with
 * pipes on its stdin/stdout, send batches of case records (u32 count, then
 * the records), read the result records back, and stop it with a zero
 * count.  Included by difftest.c and fpudiff.c; POSIX only (the oracles
 * exist only on x86 hosts). */
#ifndef X86PC_ORACLE_CLIENT_H
#define X86PC_ORACLE_CLIENT_H
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct Oracle {
    pid_t pid;
    FILE *to;
    FILE *from;
} Oracle;

/* Runs the oracle at path; who names the caller in messages.  0 or -1. */
static inline int oracle_start(Oracle *o, const char *path, const char *who)
{
    int in[2], out[2];
    if (pipe(in) || pipe(out)) {
        fprintf(stderr, "%s: pipe: %s\n", who, strerror(errno));
        return -1;
    }
    o->pid = fork();
    if (o->pid < 0) {
        fprintf(stderr, "%s: fork: %s\n", who, strerror(errno));
        return -1;
    }
    if (o->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        execl(path, path, (char *)NULL);
        fprintf(stderr, "%s: cannot run oracle %s: %s\n", who, path,
                strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    o->to = fdopen(in[1], "wb");
    o->from = fdopen(out[0], "rb");
    return o->to && o->from ? 0 : -1;
}

/* One batch: n input records of in_size bytes, the first at in and the
 * others stride bytes apart (the records usually sit inside the caller's
 * test-case structs), and n results of res_size bytes into res. */
static inline int oracle_batch_raw(Oracle *o, const void *in, size_t stride,
                            size_t in_size, void *res, size_t res_size,
                            uint32_t n)
{
    const unsigned char *p = in;
    if (fwrite(&n, sizeof n, 1, o->to) != 1)
        return -1;
    for (uint32_t i = 0; i < n; i++)
        if (fwrite(p + (size_t)i * stride, in_size, 1, o->to) != 1)
            return -1;
    if (fflush(o->to))
        return -1;
    return fread(res, res_size, n, o->from) == n ? 0 : -1;
}

static inline void oracle_stop(Oracle *o)
{
    uint32_t zero = 0;
    int st;
    fwrite(&zero, sizeof zero, 1, o->to);
    fclose(o->to);
    fclose(o->from);
    waitpid(o->pid, &st, 0);
}
/* --family A,B,...: whether name fam (case-insensitive) is in the comma
 * list (NULL selects everything). */
static inline int family_selected(const char *list, const char *fam)
{
    if (!list)
        return 1;
    size_t fl = strlen(fam);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == fl && strncasecmp(p, fam, l) == 0)
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

/* Whether the host is an AMD Zen core (AuthenticAMD, family 17h or later):
 * the silicon cpu/sse_approx.c was recorded on. */
static inline int host_is_zen(void)
{
#if defined(__x86_64__) || defined(__i386__)
    uint32_t a, b, c, d, fam;
    __asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
    if (b != 0x68747541u || d != 0x69746E65u || c != 0x444D4163u) /* AuthenticAMD */
        return 0;
    __asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    fam = (a >> 8) & 0xF;
    if (fam == 0xF)
        fam += (a >> 20) & 0xFF;
    return fam >= 0x17;
#else
    return 0;
#endif
}

#endif
