/* Little-endian load/store helpers.  All guest memory is accessed through
 * these, never by casting a host pointer to a wider type, so that x86pc is
 * correct on big-endian hosts and on hosts that trap unaligned loads. */
#ifndef X86PC_ENDIAN_H
#define X86PC_ENDIAN_H
#include <stdint.h>

static inline uint16_t ldw_le(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t ldl_le(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}
static inline uint64_t ldq_le(const uint8_t *p)
{
    return (uint64_t)ldl_le(p) | ((uint64_t)ldl_le(p + 4) << 32);
}
static inline void stw_le(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void stl_le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static inline void stq_le(uint8_t *p, uint64_t v)
{
    stl_le(p, (uint32_t)v);
    stl_le(p + 4, (uint32_t)(v >> 32));
}
/* Load/store of 1, 2 or 4 bytes chosen at run time. */
static inline uint32_t ld_le(const uint8_t *p, unsigned size)
{
    return size == 1 ? p[0] : size == 2 ? ldw_le(p) : ldl_le(p);
}
static inline void st_le(uint8_t *p, uint32_t v, unsigned size)
{
    if (size == 1)
        p[0] = (uint8_t)v;
    else if (size == 2)
        stw_le(p, (uint16_t)v);
    else
        stl_le(p, v);
}
#endif
