/*
 * smp_config.h - an SMP allocator's configuration: defaults, bounds, and
 * the sizes of everything pm_smp_init lays out in its buffer.
 */
#ifndef PM_SMP_CONFIG_H
#define PM_SMP_CONFIG_H

#include <physmem/smp.h>

/*
 * Where pm_smp_init puts things in its buffer, every offset
 * PM_SMP_MEM_ALIGN aligned:
 *   [struct pm_smp][struct cpu_cache x ncpus][magazines][per-CPU lists]
 * Every size is computed in size_t with overflow checks.
 */
struct smp_layout {
    size_t max_full;   /* full magazines the depot may hold */
    size_t nmags;      /* 2 per CPU, max_full, and one spare */
    size_t mag_stride; /* bytes of one magazine with its arrays */
    size_t pcp_blocks; /* entries of one CPU's per-order lists */
    size_t off_cpus, off_mags, off_pcp;
    size_t bytes; /* the whole buffer */
};

/* cfg with defaults filled in; PM_EINVAL for a field out of its bounds. */
pm_err_t smp_config_resolve(const pm_smp_config_t *cfg, pm_smp_config_t *out);

/* The layout for a resolved config; PM_EINVAL if a size would overflow. */
pm_err_t smp_layout(const pm_smp_config_t *c, struct smp_layout *out);

#endif /* PM_SMP_CONFIG_H */
