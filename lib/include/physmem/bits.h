/*
 * physmem/bits.h - count leading and trailing zeros without libgcc.
 *
 * __builtin_clzll and __builtin_ctzll compile to one instruction where the
 * target has it (x86-64, AArch64, RISC-V with Zbb), but to calls into
 * libgcc (__clzdi2, __ctzdi2) where it does not: GCC 12 does so for
 * -march=rv64gc. A kernel that links no libgcc would then fail to link, so
 * on such targets these fall back to a branch-free binary search of six
 * steps. PM_BITS_PORTABLE forces the fallback (the tests use it to cover
 * it on x86-64).
 */
#ifndef PHYSMEM_BITS_H
#define PHYSMEM_BITS_H

#include <stdint.h>

#if !defined(PM_BITS_PORTABLE) &&                                                                  \
    (defined(__x86_64__) || defined(__i386__) || defined(__aarch64__) ||                           \
     (defined(__riscv) && defined(__riscv_zbb)))
#define PM_BITS_BUILTIN 1
#else
#define PM_BITS_BUILTIN 0
#endif

/* Leading zeros of v != 0. */
static inline unsigned pm_clz64(uint64_t v)
{
#if PM_BITS_BUILTIN
    return (unsigned)__builtin_clzll(v);
#else
    unsigned n = 0;

    for (unsigned s = 32; s != 0; s >>= 1) {
        uint64_t hi = v >> (64 - s);
        unsigned z = hi == 0 ? s : 0; /* the top s bits are all zero */

        n += z;
        v <<= z;
    }
    return n;
#endif
}

/* Trailing zeros of v != 0. */
static inline unsigned pm_ctz64(uint64_t v)
{
#if PM_BITS_BUILTIN
    return (unsigned)__builtin_ctzll(v);
#else
    unsigned n = 0;

    for (unsigned s = 32; s != 0; s >>= 1) {
        uint64_t lo = v & ((UINT64_C(1) << s) - 1);
        unsigned z = lo == 0 ? s : 0; /* the low s bits are all zero */

        n += z;
        v >>= z;
    }
    return n;
#endif
}

#endif /* PHYSMEM_BITS_H */
