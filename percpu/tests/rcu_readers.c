/*
 * rcu_readers.c - zone-table readers against a hot-adding writer.
 *
 * Reader threads (CPU slots 1..N) free pages that nobody allocated, in
 * zones spread far apart, so that each call misses the CPU's cached zone
 * and looks the address up in the RCU-published zone table. The main thread
 * (slot 0) meanwhile adds 64 regions, each add publishing a new table and
 * freeing the old one after a grace period.
 *
 * Every answer must be exact: PM_ENOTALLOC inside a zone known to be added,
 * PM_ERANGE where no zone will ever be, either one in a zone being added.
 * Exit 0 if all held.
 *
 * Under ThreadSanitizer this proves that our annotations of liburcu (the
 * publish, the read side, the grace period; percpu/src/zone_table.c) hide
 * no real race: with --fault no-grace-period (the old table freed at once)
 * or --fault publish-early (the table published half-built), TSan must
 * report (CTest fault.*.tsan); without a fault it must stay silent.
 *
 * Usage: rcu_readers [--fault NAME] [--readers N]
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <physmem/smp.h>

#define NREGIONS     64u
#define REGION_PAGES 512u
#define REGION_BASE  0x100000000ull /* region k at REGION_BASE + k * REGION_STEP */
#define REGION_STEP  0x10000000ull  /* 256 MiB apart */

static pm_smp_t *smp;
static atomic_uint added; /* regions 0..added-1 are in the table */
static atomic_bool stop;
static atomic_ulong wrong; /* answers that were not exact */
static atomic_ulong lookups;

static pm_paddr_t region_page(unsigned k, unsigned page)
{
    return pm_paddr(REGION_BASE + k * REGION_STEP + (uint64_t)page * PM_PAGE_SIZE);
}

static void *reader(void *arg)
{
    unsigned cpu = (unsigned)(uintptr_t)arg;
    uint64_t x = 0x9E3779B97F4A7C15ull * cpu;

    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        unsigned known = atomic_load_explicit(&added, memory_order_acquire);
        unsigned k, page;
        pm_err_t e;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        k = (unsigned)(x % (NREGIONS + 1)); /* NREGIONS: never a zone */
        page = (unsigned)((x >> 32) % REGION_PAGES);
        e = pm_smp_free(smp, cpu, region_page(k, page), 1);
        /* region k < known is surely in; one >= known may be on its way */
        if (k == NREGIONS ? e != PM_ERANGE
            : k < known   ? e != PM_ENOTALLOC
                          : e != PM_ERANGE && e != PM_ENOTALLOC) {
            fprintf(stderr, "rcu_readers: cpu %u, region %u page %u (%u added): %s\n", cpu, k, page,
                    known, pm_errname(e));
            atomic_fetch_add(&wrong, 1);
        }
        atomic_fetch_add_explicit(&lookups, 1, memory_order_relaxed);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pm_smp_config_t cfg = {0};
    unsigned readers = 3;
    pthread_t t[16];

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--fault") == 0 && i + 1 < argc) {
            unsigned mask = pm_fault_from_name(argv[++i]);
            if (mask == 0 || pm_fault_set(mask) != PM_OK) {
                fprintf(stderr, "rcu_readers: fault '%s' unknown or not compiled in\n", argv[i]);
                return 2;
            }
        } else if (strcmp(argv[i], "--readers") == 0 && i + 1 < argc) {
            readers = (unsigned)atoi(argv[++i]);
            if (readers < 1 || readers > 15)
                return 2;
        } else {
            fprintf(stderr, "usage: rcu_readers [--fault NAME] [--readers N]\n");
            return 2;
        }
    }
    cfg.ncpus = readers + 1;
    if (pm_smp_create(&cfg, &smp) != PM_OK)
        return 1;
    for (unsigned i = 0; i < readers; i++)
        pthread_create(&t[i], NULL, reader, (void *)(uintptr_t)(i + 1));
    for (unsigned k = 0; k < NREGIONS; k++) {
        unsigned long seen = atomic_load(&lookups);
        pm_err_t e;

        /* Let the readers read the table in force before it is replaced:
         * otherwise a writer without grace periods can finish before any
         * reader looked, and a missing wait would go unseen. */
        while (atomic_load(&lookups) < seen + 64ul * readers)
            sched_yield();
        e = pm_smp_add_region(smp, region_page(k, 0), REGION_PAGES);
        if (e != PM_OK) {
            fprintf(stderr, "rcu_readers: add_region %u: %s\n", k, pm_errname(e));
            atomic_fetch_add(&wrong, 1);
        }
        atomic_store_explicit(&added, k + 1, memory_order_release);
    }
    atomic_store(&stop, true);
    for (unsigned i = 0; i < readers; i++)
        pthread_join(t[i], NULL);
    if (pm_smp_check(smp) != PM_OK)
        atomic_fetch_add(&wrong, 1);
    pm_smp_destroy(smp);
    printf("rcu_readers: %u regions added under %u readers, %lu lookups, %lu wrong\n", NREGIONS,
           readers, atomic_load(&lookups), atomic_load(&wrong));
    return atomic_load(&wrong) == 0 ? 0 : 1;
}
