/*
 * selftest.c - the hidden --self-test=KIND faults, which prove that the
 * harness's checks can fail. CPU 0 breaks one rule before its pattern
 * starts; the run must then end with status 1 and name the fault:
 *   double-owner  a block comes back from "the allocator" while CPU 0 still
 *                 holds it (the shadow owner map must catch it at once);
 *   scribble      CPU 0 writes into a page after freeing it (the FREE
 *                 poison check must catch it, at the page's next allocation
 *                 or at the latest in the end-of-pattern sweep);
 *   stamp         a held block's owner stamp is overwritten (the check
 *                 before the free must catch it).
 * And one the run must survive, since the allocator must catch it:
 *   double-free   CPU 0 frees an order-0 page, then frees it once more
 *                 straight through pm_smp_free; that must return
 *                 PM_ENOTALLOC and change nothing (else the run fails; with
 *                 --fault no-double-free-check it must fail). Run it with
 *                 --cpus 1: another CPU's drain could move the page from
 *                 the cache to the zone between the two frees, and the
 *                 fault only affects a page that is still cached.
 */
#include "stress.h"

#include <stdio.h>

void stress_selftest_inject(struct stress_thread *t)
{
    struct stress_block b, again;
    pm_err_t e = stress_alloc(t, 0, &b);
    STRESS_CHECK(e == PM_OK, "self-test: first allocation: %s", pm_errname(e));
    switch (t->run->opt->selftest) {
    case STRESS_SELFTEST_DOUBLE_FREE: {
        stress_free(t, &b);
        fprintf(stderr, "pm-stress: self-test: freeing order-0 page %#llx a second time\n",
                (unsigned long long)b.addr);
        e = pm_smp_free(t->run->smp, t->id, pm_paddr(b.addr), 1);
        STRESS_CHECK(e != PM_OK,
                     "self-test: double free accepted: pm_smp_free(%#llx, order 0) of a page "
                     "freed before returned PM_OK, want PM_ENOTALLOC",
                     (unsigned long long)b.addr);
        STRESS_CHECK(e == PM_ENOTALLOC,
                     "self-test: double free of %#llx refused with %s, want PM_ENOTALLOC",
                     (unsigned long long)b.addr, pm_errname(e));
        fprintf(stderr, "pm-stress: self-test: double free of page %#llx refused: %s\n",
                (unsigned long long)b.addr, pm_errname(e));
        return;
    }
    case STRESS_SELFTEST_DOUBLE_OWNER:
        fprintf(stderr, "pm-stress: self-test: handing page %#llx to cpu %u a second time\n",
                (unsigned long long)b.addr, t->id);
        stress_take(t, b.addr, 0, &again);
        break;
    case STRESS_SELFTEST_SCRIBBLE:
        stress_free(t, &b);
        fprintf(stderr, "pm-stress: self-test: scribbling into free page %#llx\n",
                (unsigned long long)b.addr);
        *(volatile uint64_t *)(void *)stress_arena_ptr(b.addr + PM_PAGE_SIZE - 8) =
            0x5c5c5c5c5c5c5c5cull;
        return;
    case STRESS_SELFTEST_STAMP:
        fprintf(stderr, "pm-stress: self-test: overwriting the stamp of held page %#llx\n",
                (unsigned long long)b.addr);
        *(volatile uint64_t *)(void *)stress_arena_ptr(b.addr + PM_PAGE_SIZE - 8) =
            stress_stamp(t->id + 1, b.seq);
        break;
    default:
        break;
    }
    stress_free(t, &b);
}
