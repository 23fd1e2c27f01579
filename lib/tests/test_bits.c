/*
 * test_bits.c - physmem/bits.h's portable bit scans (the form a RISC-V
 * build without Zbb uses, forced here with PM_BITS_PORTABLE) agree with
 * the compiler's builtins on every single-bit value, every low mask, and a
 * million pseudo-random values.
 */
#define PM_BITS_PORTABLE 1
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <physmem/bits.h>

static void check(uint64_t v)
{
    if (pm_clz64(v) != (unsigned)__builtin_clzll(v) || pm_ctz64(v) != (unsigned)__builtin_ctzll(v))
        fail_msg("v = %#llx: clz %u (want %d), ctz %u (want %d)", (unsigned long long)v,
                 pm_clz64(v), __builtin_clzll(v), pm_ctz64(v), __builtin_ctzll(v));
}

static void test_portable_matches_builtin(void **state)
{
    uint64_t x = 0x9E3779B97F4A7C15ull;

    (void)state;
    assert_int_equal(PM_BITS_BUILTIN, 0);
    for (unsigned i = 0; i < 64; i++) {
        check((uint64_t)1 << i);
        check(~(uint64_t)0 >> i);
        check(~(uint64_t)0 << i);
    }
    for (int i = 0; i < 1000000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        check(x >> (x & 63) | 1u << (x >> 58 & 1)); /* never 0, every width */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_portable_matches_builtin)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
