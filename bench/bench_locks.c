/*
 * bench/bench_locks.c - the zone lock, compared: lock/<kind>/threads:T. Every
 * thread takes one lock around the same critical section, a zone's
 * alloc+free pair (pm_buddy_alloc and pm_buddy_free of one page on a 64 Ki-page
 * buddy with hot_max 0, as every SMP zone runs its core), so an iteration is
 * one acquisition, and the buddy's metadata moves with the lock as it does
 * in a zone. ns_per_pair is per acquisition.
 *
 *   lock/ticket     percpu/src/ticket_lock.h, the zone lock as shipped
 *   lock/ticket_pb  CK's ck_spinlock_ticket with proportional backoff (as
 *                   ck_spinlock_ticket_lock_pb: a waiter d tickets from the
 *                   head pauses d << LC_PB_SHIFT times between looks)
 *   lock/mcs        CK's ck_spinlock_mcs: a queue; each waiter spins on its
 *                   own node (on the stack), the holder hands over to it
 *   lock/clh        CK's ck_spinlock_clh: a queue; each waiter spins on its
 *                   predecessor's node, and takes that node over
 *   lock/mutex      pthread_mutex_t, for reference: not FIFO (the releasing
 *                   thread may take it again at once), waiters sleep
 *
 * The wait policy. CK's lock functions spin until they own the lock. With
 * more threads than cores that may take a whole time slice or more: the
 * holder, or the next waiter in FIFO order, may not be running. So the three
 * CK locks use CK's data structures and CK's unlock, and their acquire loops
 * are written here around one wait, lc_wait(), the same for each: for the
 * first LC_SPINS looks at the lock word a waiter pauses (ticket_pb: d <<
 * LC_PB_SHIFT pauses, d its distance from the head; mcs and clh: one), after
 * that it calls sched_yield() between looks. ticket_lock.h's own wait is the
 * same pause-then-yield with one more rule: only the next ticket in line
 * spins (up to TICKET_SPINS = 128 looks); the others yield at every look.
 */
#include "pmb_workload.h"

#include <physmem/physmem.h>

#include <ck_pr.h>
#include <ck_spinlock.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

#include "ticket_lock.h"

void pmb_register_locks(void);

#define LC_SPINS    128u /* looks with pause before a waiter starts yielding */
#define LC_PB_SHIFT 2u   /* ticket_pb: pauses per look = distance << LC_PB_SHIFT */
#define LC_MAX_THR  256u

enum lc_kind { LC_TICKET, LC_TICKET_PB, LC_MCS, LC_CLH, LC_MUTEX };

static const enum lc_kind lc_kinds[] = {LC_TICKET, LC_TICKET_PB, LC_MCS, LC_CLH, LC_MUTEX};

/* A CLH node, one cache line: each thread brings one and leaves with its
 * predecessor's. */
typedef struct lc_clh_node {
    PMB_CACHELINE_ALIGN ck_spinlock_clh_t n;
} lc_clh_node_t;

typedef struct lc_fixture {
    enum lc_kind kind;
    pm_buddy_t *b;
    PMB_CACHELINE_ALIGN ticket_lock_t ticket;
    PMB_CACHELINE_ALIGN ck_spinlock_ticket_t ticket_pb;
    PMB_CACHELINE_ALIGN ck_spinlock_mcs_t mcs;
    PMB_CACHELINE_ALIGN ck_spinlock_clh_t *clh;
    PMB_CACHELINE_ALIGN pthread_mutex_t mutex;
    lc_clh_node_t clh_nodes[LC_MAX_THR + 1]; /* one per thread, + the unowned one */
} lc_fixture_t;

/* The one wait of every FIFO lock here (see the top of the file). */
static inline void lc_wait(unsigned *looks, unsigned pauses)
{
    if (*looks < LC_SPINS) {
        (*looks)++;
        for (unsigned i = 0; i < pauses; i++)
            ck_pr_stall();
    } else {
        sched_yield();
    }
}

/* ---- CK's ticket lock, proportional backoff ---------------------------------- */

#ifdef CK_F_SPINLOCK_TICKET_TRYLOCK
/* x86: one 32-bit word, the next ticket in the upper half, the one served in
 * the lower half (ck_spinlock_ticket_unlock increments the lower half). */
static inline void lc_ticket_pb_lock(ck_spinlock_ticket_t *t)
{
    uint32_t v = ck_pr_faa_32(&t->value, (uint32_t)1 << 16);
    uint16_t me = (uint16_t)(v >> 16);
    uint16_t now = (uint16_t)v;
    unsigned looks = 0;

    while (now != me) {
        lc_wait(&looks, (unsigned)(uint16_t)(me - now) << LC_PB_SHIFT);
        now = (uint16_t)ck_pr_load_32(&t->value);
    }
    ck_pr_fence_lock();
}
#else
static inline void lc_ticket_pb_lock(ck_spinlock_ticket_t *t)
{
    unsigned me = ck_pr_faa_uint(&t->next, 1);
    unsigned now = ck_pr_load_uint(&t->position);
    unsigned looks = 0;

    while (now != me) {
        lc_wait(&looks, (me - now) << LC_PB_SHIFT);
        now = ck_pr_load_uint(&t->position);
    }
    ck_pr_fence_lock();
}
#endif

/* ---- CK's MCS lock ------------------------------------------------------------- */

static inline void lc_mcs_lock(ck_spinlock_mcs_t *q, struct ck_spinlock_mcs *node)
{
    struct ck_spinlock_mcs *prev;
    unsigned looks = 0;

    node->locked = true;
    node->next = NULL;
    ck_pr_fence_store_atomic();
    prev = ck_pr_fas_ptr(q, node);
    if (prev != NULL) {
        ck_pr_store_ptr(&prev->next, node);
        while (ck_pr_load_uint(&node->locked) == true)
            lc_wait(&looks, 1);
    }
    ck_pr_fence_lock();
}

/* ck_spinlock_mcs_unlock, with lc_wait while a successor links itself in. */
static inline void lc_mcs_unlock(ck_spinlock_mcs_t *q, struct ck_spinlock_mcs *node)
{
    struct ck_spinlock_mcs *next;
    unsigned looks = 0;

    ck_pr_fence_unlock();
    next = ck_pr_load_ptr(&node->next);
    if (next == NULL) {
        if (ck_pr_load_ptr(q) == node && ck_pr_cas_ptr(q, node, NULL))
            return;
        while ((next = ck_pr_load_ptr(&node->next)) == NULL)
            lc_wait(&looks, 1);
    }
    ck_pr_store_uint(&next->locked, false);
}

/* ---- CK's CLH lock -------------------------------------------------------------- */

static inline void lc_clh_lock(ck_spinlock_clh_t **q, ck_spinlock_clh_t *me)
{
    ck_spinlock_clh_t *prev;
    unsigned looks = 0;

    me->wait = true;
    ck_pr_fence_store_atomic();
    prev = ck_pr_fas_ptr(q, me);
    me->previous = prev;
    ck_pr_fence_load();
    while (ck_pr_load_uint(&prev->wait) == true)
        lc_wait(&looks, 1);
    ck_pr_fence_lock();
}

/* ---- the benchmark ------------------------------------------------------------------ */

static const char *lc_name(enum lc_kind k)
{
    switch (k) {
    case LC_TICKET:
        return "lock/ticket";
    case LC_TICKET_PB:
        return "lock/ticket_pb";
    case LC_MCS:
        return "lock/mcs";
    case LC_CLH:
        return "lock/clh";
    case LC_MUTEX:
        return "lock/mutex";
    }
    return "lock/?";
}

static void *lc_setup(pmb_state_t *st)
{
    const enum lc_kind *kind = pmb_user(st);
    lc_fixture_t *f = aligned_alloc(64, sizeof(*f));
    pmb_fixture_t *fx;

    if (f == NULL || pmb_threads(st) > (int)LC_MAX_THR) {
        free(f);
        return NULL;
    }
    memset(f, 0, sizeof(*f));
    f->kind = *kind;
    if (pm_buddy_create(pm_paddr(PMB_BASE), PMB_NPAGES, &f->b) != PM_OK ||
        pm_buddy_set_hot_max(f->b, 0) != PM_OK) {
        pm_buddy_destroy(f->b);
        free(f);
        return NULL;
    }
    ticket_lock_init(&f->ticket);
    ck_spinlock_ticket_init(&f->ticket_pb);
    ck_spinlock_mcs_init(&f->mcs);
    ck_spinlock_clh_init(&f->clh, &f->clh_nodes[LC_MAX_THR].n);
    pthread_mutex_init(&f->mutex, NULL);
    fx = pmb_fixture_new(f, pmb_threads(st));
    if (fx == NULL) {
        pm_buddy_destroy(f->b);
        free(f);
        return NULL;
    }
    pmb_set_label(st, "buddy alloc+free of 1 page, hot_max 0");
    return fx;
}

static void lc_teardown(pmb_state_t *st, void *fixture)
{
    pmb_fixture_t *fx = fixture;
    lc_fixture_t *f = fx->ctx;

    (void)st;
    if (pm_buddy_free_pages(f->b) != pm_buddy_total_pages(f->b) || pm_buddy_check(f->b) != PM_OK)
        fprintf(stderr, "pm-bench: %s: buddy not whole after the run\n", lc_name(f->kind));
    pthread_mutex_destroy(&f->mutex);
    pm_buddy_destroy(f->b);
    free(f);
    pmb_fixture_delete(fx);
}

/* The critical section: one zone alloc+free pair. */
static PMB_ALWAYS_INLINE bool lc_section(pm_buddy_t *b)
{
    pm_paddr_t a;

    if (PMB_UNLIKELY(pm_buddy_alloc(b, 1, &a) != PM_OK))
        return false;
    pmb_do_not_optimize_u64(a.value);
    return pm_buddy_free(b, a, 1) == PM_OK;
}

static void lc_run(pmb_state_t *st) PM_NO_TSA
{
    pmb_fixture_t *fx = pmb_fixture(st);
    lc_fixture_t *f = fx->ctx;
    ck_spinlock_clh_t *clh_node = &f->clh_nodes[pmb_thread_index(st)].n;
    uint64_t failures = 0;

    switch (f->kind) {
    case LC_TICKET:
        while (pmb_keep_running(st)) {
            ticket_lock_acquire(&f->ticket);
            failures += !lc_section(f->b);
            ticket_lock_release(&f->ticket);
        }
        break;
    case LC_TICKET_PB:
        while (pmb_keep_running(st)) {
            lc_ticket_pb_lock(&f->ticket_pb);
            failures += !lc_section(f->b);
            ck_spinlock_ticket_unlock(&f->ticket_pb);
        }
        break;
    case LC_MCS:
        while (pmb_keep_running(st)) {
            struct ck_spinlock_mcs node;

            lc_mcs_lock(&f->mcs, &node);
            failures += !lc_section(f->b);
            lc_mcs_unlock(&f->mcs, &node);
        }
        break;
    case LC_CLH:
        while (pmb_keep_running(st)) {
            lc_clh_lock(&f->clh, clh_node);
            failures += !lc_section(f->b);
            ck_spinlock_clh_unlock(&clh_node);
        }
        break;
    case LC_MUTEX:
        while (pmb_keep_running(st)) {
            pthread_mutex_lock(&f->mutex);
            failures += !lc_section(f->b);
            pthread_mutex_unlock(&f->mutex);
        }
        break;
    }
    pmb_report_pairs(st, (double)pmb_iterations(st));
    pmb_report_failures(st, failures);
}

void pmb_register_locks(void)
{
    for (size_t i = 0; i < sizeof(lc_kinds) / sizeof(lc_kinds[0]); i++) {
        pmb_family_t f;

        memset(&f, 0, sizeof(f));
        f.name = lc_name(lc_kinds[i]);
        f.run = lc_run;
        f.setup = lc_setup;
        f.teardown = lc_teardown;
        f.user = &lc_kinds[i];
        f.threads = PMB_THREADS_ALL;
        pmb_register(&f);
    }
}
