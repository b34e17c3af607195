/* RCPPS and RSQRTPS of the emulator against the host CPU on all 2^32 inputs.
 *
 * The emulator's approximations use tables recorded on AMD Zen silicon
 * (cpu/sse_approx.c); this test proves that the tables plus the exponent,
 * zero, denormal, infinity and NaN rules in sse_rcp_approx() reproduce the
 * silicon bit for bit for every binary32 input, under several MXCSR
 * settings (which must not matter, and must not raise flags).  It needs an
 * x86 host with a Zen core (AMD family 17h or later) and skips elsewhere:
 * Intel's tables differ (within the same architectural error bound).
 *
 * Usage: approxdiff [--stride N]   (N > 1 checks every N-th input)
 * Exit status: 0 all equal, 1 a difference, 77 skip. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/simd.h"
#include "tests/diff/oracle_client.h"

#if !defined(__x86_64__) && !defined(__i386__)
int main(void)
{
    printf("SKIP: not an x86 host (the oracle is the host's RCPPS/RSQRTPS)\n");
    return 77;
}
#else
static void host4(int rsqrt, const uint32_t in[4], uint32_t out[4], uint32_t mxcsr,
                  uint32_t *mx_after)
{
    uint32_t v[4], m = mxcsr, saved;
    memcpy(v, in, 16);
    __asm__ volatile("stmxcsr %0" : "=m"(saved));
    __asm__ volatile("ldmxcsr %0" : : "m"(m));
    if (rsqrt)
        __asm__ volatile("movups %0, %%xmm0\n\trsqrtps %%xmm0, %%xmm0\n\tmovups %%xmm0, %0"
                         : "+m"(v) : : "xmm0");
    else
        __asm__ volatile("movups %0, %%xmm0\n\trcpps %%xmm0, %%xmm0\n\tmovups %%xmm0, %0"
                         : "+m"(v) : : "xmm0");
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    __asm__ volatile("ldmxcsr %0" : : "m"(saved));
    *mx_after = m;
    memcpy(out, v, 16);
}

int main(int argc, char **argv)
{
    uint32_t stride = 1;
    if (argc == 3 && !strcmp(argv[1], "--stride"))
        stride = (uint32_t)strtoul(argv[2], NULL, 0);
    if (!stride)
        stride = 1;
    if (!host_is_zen()) {
        printf("SKIP: host is not AMD Zen (family 17h+); the RCPPS/RSQRTPS "
               "tables were recorded on Zen and Intel's differ\n");
        return 77;
    }
    static const uint32_t mxcsrs[3] = {0x1F80, 0x9FC0 /* FTZ DAZ */, 0x7F80 /* RZ */};
    int bad = 0;
    for (int rs = 0; rs < 2; rs++) {
        uint64_t diffs = 0, n = 0;
        for (unsigned k = 0; k < 3; k++) {
            /* the default MXCSR on every input, the others on a sample */
            uint64_t step = (k ? 251ull : 1ull) * stride;
            for (uint64_t x = 0; x <= 0xFFFFFFFFull; x += 4 * step) {
                uint32_t in[4], out[4], mx;
                for (int l = 0; l < 4; l++)
                    in[l] = (uint32_t)(x + (uint64_t)l * step);
                host4(rs, in, out, mxcsrs[k], &mx);
                if (mx & 0x3F) {
                    printf("host raised MXCSR flags %02x for %08x\n", mx & 0x3F, in[0]);
                    return 1;
                }
                for (int l = 0; l < 4; l++) {
                    uint32_t e = sse_rcp_approx(in[l], rs);
                    n++;
                    if (e != out[l] && diffs++ < 10)
                        printf("MISMATCH %s(%08" PRIx32 ") mxcsr %04" PRIx32 ": host %08" PRIx32
                               ", emu %08" PRIx32 "\n", rs ? "rsqrtps" : "rcpps", in[l],
                               mxcsrs[k], out[l], e);
                }
            }
        }
        printf("  SSE      %-8s %" PRIu64 "/%" PRIu64 " inputs equal\n",
               rs ? "rsqrtps" : "rcpps", n - diffs, n);
        bad |= diffs != 0;
    }
    return bad;
}
#endif
