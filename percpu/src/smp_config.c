/*
 * smp_config.c - config defaults and bounds, and the layout of an
 * allocator's buffer (smp_config.h). Nothing here allocates: pm_smp_create
 * asks pm_plat_alloc for layout.bytes, a kernel hands pm_smp_init a buffer
 * that big.
 */
#include "smp_internal.h"
#include "smp_config.h"

pm_err_t smp_config_resolve(const pm_smp_config_t *cfg, pm_smp_config_t *out)
{
    *out = *cfg;
    if (out->ncpus == 0 || out->ncpus > PM_MAX_CPUS)
        return PM_EINVAL;
    if ((out->flags & ~(PM_SMP_NOCACHE | PM_SMP_STRICT_FREE | PM_SMP_NO_MEMBARRIER)) != 0)
        return PM_EINVAL;
    if (out->batch == 0)
        out->batch = PM_SMP_DEFAULT_BATCH;
    if (out->batch > PM_SMP_MAX_BATCH)
        return PM_EINVAL;
    if (out->high == 0)
        out->high = out->batch * 2 > PM_SMP_DEFAULT_HIGH ? out->batch * 2 : PM_SMP_DEFAULT_HIGH;
    if (out->high < 2 * out->batch)
        return PM_EINVAL;
    return PM_OK;
}

static bool add_aligned(size_t *at, size_t bytes, size_t *off)
{
    size_t end;

    *off = *at;
    if (__builtin_add_overflow(*at, bytes, &end) ||
        __builtin_add_overflow(end, (size_t)PM_SMP_MEM_ALIGN - 1, &end))
        return false;
    *at = end & ~(size_t)(PM_SMP_MEM_ALIGN - 1);
    return true;
}

pm_err_t smp_layout(const pm_smp_config_t *c, struct smp_layout *out)
{
    bool cached = (c->flags & PM_SMP_NOCACHE) == 0;
    size_t at = 0, off, cpus, mags, pcp, full;

    *out = (struct smp_layout){0};
    /* Each CPU may account for `high` pages: 2 magazines of its own, the
     * rest as its share of the depot's full magazines. */
    if (cached) {
        if (__builtin_mul_overflow((size_t)c->ncpus, (size_t)(c->high - 2 * c->batch), &full))
            return PM_EINVAL;
        out->max_full = full / c->batch;
        if (__builtin_add_overflow(out->max_full, (size_t)2 * c->ncpus + 1, &out->nmags))
            return PM_EINVAL;
        out->mag_stride = (sizeof(struct mag) +
                           (size_t)c->batch * (sizeof(pm_paddr_t) + sizeof(_Atomic uint8_t *)) +
                           PM_SMP_MEM_ALIGN - 1) &
                          ~(size_t)(PM_SMP_MEM_ALIGN - 1);
        for (unsigned k = 1; k <= PCP_MAX_ORDER; k++)
            out->pcp_blocks += pcp_capacity(c->batch, k);
    }
    if (__builtin_mul_overflow(sizeof(struct cpu_cache), (size_t)c->ncpus, &cpus) ||
        __builtin_mul_overflow(out->mag_stride, out->nmags, &mags) ||
        __builtin_mul_overflow(out->pcp_blocks * sizeof(pm_paddr_t), (size_t)c->ncpus, &pcp))
        return PM_EINVAL;
    if (!add_aligned(&at, sizeof(struct pm_smp), &off) || !add_aligned(&at, cpus, &out->off_cpus) ||
        !add_aligned(&at, mags, &out->off_mags) || !add_aligned(&at, pcp, &out->off_pcp))
        return PM_EINVAL;
    out->bytes = at;
    return PM_OK;
}
