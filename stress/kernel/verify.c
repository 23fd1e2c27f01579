/*
 * verify.c - the final checks, in order; the first that fails is the
 * verdict.
 *
 *   drained        pm_smp_drain_all; then nothing cached
 *   accounted      the allocator's total is the pages of the zones added,
 *                  and every one of them is free
 *   coalesced      the free blocks per order are exactly the greedy
 *                  carving of the zones (regions.c): nothing left unmerged
 *   consistent     pm_smp_check
 *   hooks          pm_plat_alloc never called (all memory was given);
 *                  pm_plat_remote_barrier_init called once (not at all
 *                  with PM_SMP_NOCACHE or PM_SMP_NO_MEMBARRIER); in IPI
 *                  mode (unless one of those flags), remote barriers were
 *                  sent
 *   hot-add        the hot-added regions served allocations
 *
 * Then PASS with the figures: ops (allocations and frees, each one's
 * stamps verified) in all and per hart, blocks freed by another hart,
 * remote drains, PM_ENOMEM answers, blocks from hot-added regions, remote
 * barriers sent / IPIs handled, time spent in remote barriers, grace
 * periods, zones and pages.
 */
#include "verify.h"

#include "config.h"
#include "fmt.h"
#include "guest.h"
#include "hart.h"
#include "ipi.h"
#include "platform_guest.h"
#include "rcu.h"
#include "regions.h"
#include "verdict.h"
#include "worker.h"

void verify_final(void)
{
    pm_smp_stats_t st;
    pm_order_stats_t os[PM_NR_ORDERS];
    uint64_t want[PM_NR_ORDERS], pages, ops = 0, sent = 0, drains = 0, enomem = 0, hot = 0;
    uint64_t ipis = 0, handled = 0, ipi_us = 0, syncs = 0;
    char per_hart[96];
    size_t len = 0;
    pm_err_t err;
    unsigned n = hart_count();

    pm_smp_drain_all(guest_smp);
    pm_smp_stats(guest_smp, &st);
    region_expected(want, &pages);
    if (st.cached_pages != 0)
        verdict_fail("drain: %lu pages still cached after pm_smp_drain_all",
                     (unsigned long)st.cached_pages);
    if (st.total_pages != pages)
        verdict_fail("accounting: the allocator counts %lu pages, its zones hold %lu",
                     (unsigned long)st.total_pages, (unsigned long)pages);
    if (st.free_pages != st.total_pages)
        verdict_fail("accounting: %lu of %lu pages free after everything was freed and drained",
                     (unsigned long)st.free_pages, (unsigned long)st.total_pages);
    pm_smp_order_stats(guest_smp, os);
    for (unsigned o = 0; o < PM_NR_ORDERS; o++) {
        if (os[o].free_blocks != want[o])
            verdict_fail("not fully coalesced: %lu free blocks of order %u, the zones' carving "
                         "has %lu",
                         (unsigned long)os[o].free_blocks, o, (unsigned long)want[o]);
    }
    err = pm_smp_check(guest_smp);
    if (err != PM_OK)
        verdict_fail("pm_smp_check on the drained allocator: %s", pm_errname(err));
    if (platform_alloc_calls() != 0)
        verdict_fail("hooks: pm_plat_alloc called %lu times, though the guest gave all memory",
                     (unsigned long)platform_alloc_calls());
    if (platform_barrier_inits() > 1 ||
        (platform_barrier_inits() == 0 &&
         (guest_config.flags & (PM_SMP_NOCACHE | PM_SMP_NO_MEMBARRIER)) == 0))
        verdict_fail("hooks: pm_plat_remote_barrier_init called %lu times, not once",
                     (unsigned long)platform_barrier_inits());
    for (unsigned h = 0; h < n; h++) {
        const struct worker_counts *c = worker_counts(h);

        ops += c->allocs + c->frees;
        sent += c->sent;
        drains += c->drains;
        enomem += c->enomem;
        hot += c->hot_blocks;
        ipis += ipi_sent(h);
        handled += ipi_handled(h);
        ipi_us += ipi_wait_us(h);
        syncs += rcu_syncs(h);
        len += fmt_format(per_hart + len, sizeof(per_hart) - len, "%s%lu", h ? "/" : "",
                          (unsigned long)(c->allocs + c->frees));
    }
    if (guest_config.mode == GUEST_MODE_IPI && n > 1 && ipis == 0 &&
        (guest_config.flags & (PM_SMP_NOCACHE | PM_SMP_NO_MEMBARRIER)) == 0)
        verdict_fail("hooks: IPI mode, but physmem never asked for a remote barrier");
    if (hot == 0)
        verdict_fail("hot-add: the hot-added regions never served an allocation");
    verdict_pass("ops=%lu per-hart=%s xfer=%lu drains=%lu enomem=%lu hot-blocks=%lu ipis=%lu/%lu "
                 "ipi-wait-ms=%lu rcu-syncs=%lu zones=%lu pages=%lu",
                 (unsigned long)ops, per_hart, (unsigned long)sent, (unsigned long)drains,
                 (unsigned long)enomem, (unsigned long)hot, (unsigned long)ipis,
                 (unsigned long)handled, (unsigned long)(ipi_us / 1000), (unsigned long)syncs,
                 (unsigned long)st.zones, (unsigned long)st.total_pages);
}
