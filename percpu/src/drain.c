/*
 * drain.c - giving cached pages back to the zones: one CPU's cache (a CPU
 * going offline, or any caller), every CPU's and the depot
 * (pm_smp_drain_all), and the drain before PM_ENOMEM.
 *
 * A drainer takes each CPU's cache from its owner with the handshake
 * (handshake.h), so it may run on any thread while the owners allocate. A
 * CPU never drains while it is busy on its own slot: the drain before
 * PM_ENOMEM ends the caller's call first and opens it again after.
 *
 * Lock order: cpu (busy, or drain_lock) -> depot lock -> zone lock.
 */
#include "smp_internal.h"

/* Requires c's drain_lock with its owner out (cpu_drain_begin). */
static void cpu_drain_locked(struct pm_smp *s, struct cpu_cache *c)
{
    mag_drain(&s->zones, c->loaded);
    mag_drain(&s->zones, c->previous);
    for (unsigned k = 1; k <= PCP_MAX_ORDER; k++)
        pcp_drain(&s->zones, &c->pcp[k - 1], k, c->pcp[k - 1].count);
}

void pm_smp_drain_cpu(pm_smp_t *s, unsigned cpu)
{
    struct cpu_cache *c;

    if (s == NULL || cpu >= s->ncpus || !s->cached)
        return;
    c = &s->cpus[cpu];
    cpu_drain_begin(c, s->mode);
    cpu_drain_locked(s, c);
    cpu_drain_end(c, s->mode);
}

void pm_smp_drain_all(pm_smp_t *s)
{
    struct mag *m;

    if (s == NULL || !s->cached)
        return;
    for (unsigned i = 0; i < s->ncpus; i++)
        pm_smp_drain_cpu(s, i);
    m = depot_take_all_full(&s->depot);
    while (m != NULL) {
        struct mag *next = m->next;

        m->next = NULL;
        mag_drain(&s->zones, m);
        depot_put_empty(&s->depot, m);
        m = next;
    }
}

void smp_drain_everything(struct pm_smp *s, struct cpu_cache *c)
{
    cpu_exit(c);
    if (!pm_fault_active(PM_FAULT_NO_ENOMEM_DRAIN))
        pm_smp_drain_all(s);
    cpu_enter(c);
}
