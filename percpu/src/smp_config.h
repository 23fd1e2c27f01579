/*
 * smp_config.h - an SMP configuration, checked and sized: the defaults
 * filled in, every field within its documented bound (physmem/smp.h), and
 * every byte of the buffer pm_smp_init lays the allocator out in (what pm_smp_create allocates)
 * computed up front in 64 bits, each step overflow-checked. Not a public header.
 */
#ifndef PM_SMP_CONFIG_H
#define PM_SMP_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include <physmem/smp.h>

/*
 * Everything pm_smp_init lays out in its one buffer, every part
 * PM_SMP_MEM_ALIGN aligned:
 *   [struct pm_smp][struct cpu_cache x ncpus][magazines][per-CPU lists]
 * Without caches the magazines and lists are empty.
 */
struct smp_layout {
    size_t smp_bytes;    /* struct pm_smp, whole cache lines */
    uint64_t max_full;   /* full magazines the depot may hold: ncpus * (high - 2 batch) / batch */
    uint64_t nmags;      /* magazines: 2 a CPU, max_full for the depot, 1 spare */
    size_t mag_stride;   /* bytes of one magazine with its round[] and ps[], whole cache lines */
    uint64_t pcp_blocks; /* entries of one CPU's lists of orders 1..9 (pcp_stride) */
    size_t cpus_bytes;   /* the struct cpu_cache array */
    size_t mag_bytes;    /* the magazine pool: nmags * mag_stride */
    size_t pcp_bytes;    /* the list pool: ncpus * pcp_blocks addresses */
    size_t off_cpus, off_mags, off_pcp; /* where each part starts in the buffer */
    size_t total_bytes;                 /* smp_bytes + cpus_bytes + mag_bytes + pcp_bytes */
};

/*
 * Copies *in to *out with the defaults filled in (batch 0: 64; high 0:
 * max(512, 2 * batch)). PM_EINVAL if a field is out of its bound: ncpus
 * 1..PM_MAX_CPUS, batch 0..PM_SMP_MAX_BATCH, high 0 or 2 * batch ..
 * PM_SMP_MAX_HIGH, flags within PM_SMP_FLAGS_ALL. *out is written either way.
 */
pm_err_t smp_config_resolve(const pm_smp_config_t *in, pm_smp_config_t *out);

/*
 * Sizes everything pm_smp_init lays out for a resolved config. Trusts no
 * field: every product and sum is computed in 64 bits and checked, and
 * PM_EINVAL comes back (*out zeroed) if one overflows 64 bits, a size
 * overflows size_t, or a count overflows the unsigned the allocator keeps
 * it in. It does not check the bounds: smp_config_resolve does.
 */
pm_err_t smp_layout(const pm_smp_config_t *resolved, struct smp_layout *out);

/* Bytes of one magazine of `batch` rounds (with its arrays), whole cache
 * lines; 0 if that overflows size_t. */
size_t smp_mag_stride(unsigned batch);

#endif /* PM_SMP_CONFIG_H */
