/*
 * smp_only.c - the install tests' second consumer: it calls the SMP
 * allocator and nothing of the core, so that linked with --as-needed its
 * only physmem dependency is libphysmem_smp.so.0, which must then find
 * libphysmem_core.so.0 by itself (a program's runpath covers only the
 * program's own dependencies). Prints SMP-ONLY OK on success.
 */
#include <stdio.h>

#include <physmem/smp.h>

int main(void)
{
    pm_smp_config_t cfg = {2, 0, 0, 0};
    pm_smp_t *s = NULL;
    pm_paddr_t a;

    if (pm_smp_create(&cfg, &s) != PM_OK) {
        printf("pm_smp_create failed\n");
        return 1;
    }
    if (pm_smp_add_region(s, pm_paddr(0x100000000u), 64) != PM_OK ||
        pm_smp_alloc(s, 1, 4, &a) != PM_OK || pm_smp_free(s, 0, a, 4) != PM_OK ||
        pm_smp_check(s) != PM_OK) {
        printf("the SMP allocator failed\n");
        pm_smp_destroy(s);
        return 1;
    }
    pm_smp_destroy(s);
    printf("SMP-ONLY OK\n");
    return 0;
}
