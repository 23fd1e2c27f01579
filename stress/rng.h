/*
 * rng.h - the harness's pseudo-random numbers: splitmix64, one generator per
 * thread, seeded from --seed so that every thread's choices replay.
 */
#ifndef STRESS_RNG_H
#define STRESS_RNG_H

#include <stdint.h>

struct stress_rng {
    uint64_t state;
};

static inline uint64_t stress_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A generator for stream `stream` (a thread, a pattern) of run `seed`. */
static inline void stress_rng_init(struct stress_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1342543de82ef95ull);
    r->state = stress_splitmix64(&x);
}

static inline uint64_t stress_rng_next(struct stress_rng *r)
{
    return stress_splitmix64(&r->state);
}

/* Uniform in [0, n) (n > 0), by multiply-shift: no division. */
static inline uint32_t stress_rng_below(struct stress_rng *r, uint32_t n)
{
    return (uint32_t)(((stress_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* True with probability 1 / n. */
static inline int stress_rng_one_in(struct stress_rng *r, uint32_t n)
{
    return stress_rng_below(r, n) == 0;
}

#endif /* STRESS_RNG_H */
