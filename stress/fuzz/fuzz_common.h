/*
 * fuzz_common.h - what both libFuzzer targets share: reading the input as a
 * stream of small integers, reporting a failed check, the PM_FAULT switch
 * and the PM_FUZZ_TRACE switch.
 *
 * Input bytes are consumed front to back; once they run out every read
 * returns 0, so any input, even an empty one, is a valid program.
 */
#ifndef PM_FUZZ_COMMON_H
#define PM_FUZZ_COMMON_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <physmem/physmem.h>

struct fz_in {
    const uint8_t *p;
    size_t n;
    size_t i;
};

static inline bool fz_more(const struct fz_in *in)
{
    return in->i < in->n;
}

static inline uint8_t fz_u8(struct fz_in *in)
{
    return in->i < in->n ? in->p[in->i++] : 0;
}

static inline uint16_t fz_u16(struct fz_in *in)
{
    uint16_t lo = fz_u8(in);

    return (uint16_t)(lo | (uint16_t)(fz_u8(in) << 8));
}

static inline uint32_t fz_u32(struct fz_in *in)
{
    uint32_t lo = fz_u16(in);

    return lo | ((uint32_t)fz_u16(in) << 16);
}

static inline uint64_t fz_u64(struct fz_in *in)
{
    uint64_t lo = fz_u32(in);

    return lo | ((uint64_t)fz_u32(in) << 32);
}

/* A page count to allocate: mostly 1 or a power of two, sometimes 0, odd or too large. */
static inline size_t fz_pick_npages(struct fz_in *in)
{
    uint8_t sel = fz_u8(in);
    uint16_t r = fz_u16(in);

    switch (sel % 8) {
    case 0:
    case 1:
    case 2:
        return 1;
    case 3:
    case 4:
        return (size_t)1 << (r % 10);
    case 5:
        return ((size_t)1 << (r % 10)) + 1; /* 513: too large */
    case 6:
        return r % 601;
    default:
        return (r & 1) ? 0 : 512 + (size_t)(r % 3);
    }
}

/* Any page count of the given order: (2^(o-1), 2^o]. */
static inline size_t fz_npages_of_order(unsigned order, uint16_t r)
{
    size_t half;

    if (order == 0)
        return 1;
    half = (size_t)1 << (order - 1);
    return half + 1 + r % half;
}

/* Where the harness is, for the failure message. */
struct fz_where {
    const char *prog;
    unsigned step;
    const char *op;
    bool trace; /* PM_FUZZ_TRACE set: print every operation */
};

extern struct fz_where fz_where;

static inline void fz_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void fz_trace(const char *fmt, ...)
{
    va_list ap;

    if (!fz_where.trace)
        return;
    va_start(ap, fmt);
    fprintf(stderr, "%s: step %u: ", fz_where.prog, fz_where.step);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static inline void fz_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));
static inline void fz_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "%s: CHECK FAILED at step %u (%s), %s:%d: ", fz_where.prog, fz_where.step,
            fz_where.op, file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort(); /* libFuzzer saves the input as a crash artifact */
}

#define FZ_CHECK(cond, ...)                                                                        \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fz_fail(__FILE__, __LINE__, __VA_ARGS__);                                              \
    } while (0)

#define FZ_CHECK_ERR(got, want)                                                                    \
    do {                                                                                           \
        pm_err_t got_ = (got), want_ = (want);                                                     \
        FZ_CHECK(got_ == want_, "%s returned %s, the model expects %s", #got, pm_errname(got_),    \
                 pm_errname(want_));                                                               \
    } while (0)

/*
 * Reads PM_FAULT (a fault name, see physmem/fault.h) and PM_FUZZ_TRACE once,
 * from LLVMFuzzerInitialize. An unknown fault name, or a build without
 * PM_FAULT_INJECTION, exits with status 2.
 */
static inline void fz_setup(const char *prog)
{
    const char *name = getenv("PM_FAULT");
    const char *trace = getenv("PM_FUZZ_TRACE");

    fz_where.prog = prog;
    fz_where.trace = trace != NULL && trace[0] != '\0' && trace[0] != '0';
    if (name != NULL && name[0] != '\0') {
        unsigned mask = pm_fault_from_name(name);

        if (mask == 0 || pm_fault_set(mask) != PM_OK) {
            fprintf(stderr, "%s: PM_FAULT=%s: unknown fault or no PM_FAULT_INJECTION build\n", prog,
                    name);
            exit(2);
        }
        fprintf(stderr, "%s: fault injected: %s\n", prog, name);
    }
}

#endif /* PM_FUZZ_COMMON_H */
