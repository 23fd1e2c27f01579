/*
 * smp_config.c - resolving and sizing an SMP configuration (smp_config.h).
 *
 * pm_smp_mem_size and pm_smp_init call smp_config_resolve, then smp_layout;
 * pm_smp_create allocates only when both said PM_OK: a refused config
 * allocates nothing.
 *
 * The sizes: each CPU has 2 magazines; the depot may hold max_full full
 * ones, so that a CPU accounts for at most `high` pages (its 2 magazines
 * and its share of the depot); one more magazine is the spare a trade at
 * the depot needs. A magazine is a struct mag followed by batch addresses
 * and batch state-byte pointers, rounded up to a cache line. Each CPU's
 * lists of orders 1..9 hold pcp_capacity blocks each, pcp_stride entries a
 * CPU in all (whole cache lines).
 *
 * With every field at its bound (PM_MAX_CPUS CPUs, batch 1, high
 * PM_SMP_MAX_HIGH) that is 2 * 256 + 256 * 4094 + 1 = 2^20 + 1 magazines
 * of 64 bytes, 256 CPU caches of 384 bytes and their lists: just over
 * 64 MiB, the most any accepted config asks for (test_smp_config pins it).
 */
#include <limits.h>

#include "smp_config.h"
#include "smp_internal.h"

/* a = b * c, false on overflow. */
static bool mul_u64(uint64_t b, uint64_t c, uint64_t *a)
{
    return !__builtin_mul_overflow(b, c, a);
}

/* a = b + c, false on overflow. */
static bool add_u64(uint64_t b, uint64_t c, uint64_t *a)
{
    return !__builtin_add_overflow(b, c, a);
}

/* A size in bytes as a size_t, false if it does not fit. */
static bool to_size(uint64_t v, size_t *out)
{
    if (v > SIZE_MAX)
        return false;
    *out = (size_t)v;
    return true;
}

pm_err_t smp_config_resolve(const pm_smp_config_t *in, pm_smp_config_t *out)
{
    *out = *in;
    if (out->ncpus == 0 || out->ncpus > PM_MAX_CPUS)
        return PM_EINVAL;
    if ((out->flags & ~PM_SMP_FLAGS_ALL) != 0)
        return PM_EINVAL;
    if (out->batch == 0)
        out->batch = PM_SMP_DEFAULT_BATCH;
    if (out->batch > PM_SMP_MAX_BATCH)
        return PM_EINVAL;
    /* batch <= 512 here: 2 * batch cannot wrap */
    if (out->high == 0)
        out->high = out->batch * 2 > PM_SMP_DEFAULT_HIGH ? out->batch * 2 : PM_SMP_DEFAULT_HIGH;
    if (out->high < 2 * out->batch || out->high > PM_SMP_MAX_HIGH)
        return PM_EINVAL;
    return PM_OK;
}

size_t smp_mag_stride(unsigned batch)
{
    uint64_t per_round = sizeof(pm_paddr_t) + sizeof(_Atomic uint8_t *);
    uint64_t sz;
    size_t out;

    if (!mul_u64(batch, per_round, &sz) || !add_u64(sz, sizeof(struct mag), &sz) ||
        !add_u64(sz, PM_CACHE_LINE - 1, &sz) || !to_size(sz & ~(uint64_t)(PM_CACHE_LINE - 1), &out))
        return 0;
    return out;
}

pm_err_t smp_layout(const pm_smp_config_t *resolved, struct smp_layout *out)
{
    struct smp_layout l = {0};
    uint64_t ncpus = resolved->ncpus;
    uint64_t batch = resolved->batch;
    uint64_t high = resolved->high;
    uint64_t v;

    *out = l;
    if (ncpus == 0 || batch == 0 || high < 2 * batch) /* 2 * batch: < 2^33, no wrap */
        return PM_EINVAL;
    if (!mul_u64(ncpus, sizeof(struct cpu_cache), &v) || !to_size(v, &l.cpus_bytes))
        return PM_EINVAL;
    if ((resolved->flags & PM_SMP_NOCACHE) == 0) {
        /* the depot's full magazines: ncpus * (high - 2 * batch) / batch */
        if (!mul_u64(ncpus, high - 2 * batch, &v))
            return PM_EINVAL;
        l.max_full = v / batch;
        if (!mul_u64(ncpus, 2, &v) || !add_u64(v, l.max_full, &v) || !add_u64(v, 1, &l.nmags))
            return PM_EINVAL;
        /* struct pm_smp and the depot count magazines in an unsigned */
        if (l.nmags > UINT_MAX)
            return PM_EINVAL;
        l.mag_stride = smp_mag_stride(resolved->batch);
        if (l.mag_stride == 0 || !mul_u64(l.nmags, l.mag_stride, &v) || !to_size(v, &l.mag_bytes))
            return PM_EINVAL;
        l.pcp_blocks = pcp_stride(resolved->batch); /* whole cache lines; small: no wrap */
        if (!mul_u64(ncpus, l.pcp_blocks, &v) || !mul_u64(v, sizeof(pm_paddr_t), &v) ||
            !to_size(v, &l.pcp_bytes))
            return PM_EINVAL;
    }
    /* struct pm_smp, cpus_bytes and mag_bytes are whole cache lines */
    l.smp_bytes = (sizeof(struct pm_smp) + PM_CACHE_LINE - 1) & ~(size_t)(PM_CACHE_LINE - 1);
    l.off_cpus = l.smp_bytes;
    if (!add_u64(l.off_cpus, l.cpus_bytes, &v) || !to_size(v, &l.off_mags) ||
        !add_u64(v, l.mag_bytes, &v) || !to_size(v, &l.off_pcp) || !add_u64(v, l.pcp_bytes, &v) ||
        !to_size(v, &l.total_bytes))
        return PM_EINVAL;
    *out = l;
    return PM_OK;
}
