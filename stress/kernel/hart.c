/*
 * hart.c - bring-up and the phase barrier.
 *
 * Every hart enters at 0x80000000 at once (-bios none); start.S gives each
 * its stack and tp, hart 0 zeroes .bss and releases the others into
 * guest_main. There, hart_enter records the hart as online (a counter and a
 * flag, both published with release) and unmasks the CLINT software
 * interrupt that remote barriers use. Hart 0 then counts who came up
 * within a deadline; the others wait at the first barrier.
 *
 * The barrier is a sense-reversing counter: the last to arrive resets the
 * count and bumps the generation the others wait on. Every wait for another
 * hart (hart_wait) spins a while, then naps in WFI with the hart's timer
 * set a little ahead, with interrupts on; the barrier's wait has a deadline
 * on the CLINT's mtime that grows with the run's scale.
 */
#include "hart.h"

#include <stdatomic.h>

#include <physmem/platform.h>

#include "config.h"
#include "hw.h"
#include "verdict.h"

struct hart guest_harts[GUEST_MAX_HARTS];

static _Atomic unsigned harts_up;
static _Atomic unsigned harts_fixed;
static _Atomic unsigned barrier_arrived;
static _Atomic unsigned barrier_gen;

#define BARRIER_TIMEOUT_MS 45000u /* per unit of scale: a phase's length grows with it */
#define HART_SPINS         256u
#define HART_NAP_US        20u

extern void guest_trap_entry(void);

unsigned hart_count(void)
{
    return atomic_load_explicit(&harts_fixed, memory_order_acquire);
}

bool hart_is_online(unsigned id)
{
    return id < GUEST_MAX_HARTS &&
           atomic_load_explicit(&guest_harts[id].online, memory_order_acquire);
}

void hart_enter(unsigned long hartid)
{
    struct hart *h = hart_self();

    h->id = (unsigned)hartid;
    __asm__ __volatile__("csrw mtvec, %0" ::"r"(guest_trap_entry));
    __asm__ __volatile__("csrs mie, %0" ::"r"(HW_MIE_MSIE));
    atomic_store_explicit(&h->online, true, memory_order_release);
    atomic_fetch_add_explicit(&harts_up, 1, memory_order_acq_rel);
    hw_irq_enable();
}

unsigned hart_wait_online(unsigned want, uint64_t timeout_ms)
{
    uint64_t deadline = hw_mtime_ms() + timeout_ms;
    unsigned up;

    while (atomic_load_explicit(&harts_up, memory_order_acquire) < want && hw_mtime_ms() < deadline)
        pm_cpu_relax();
    up = atomic_load_explicit(&harts_up, memory_order_acquire);
    atomic_store_explicit(&harts_fixed, up, memory_order_release);
    return up;
}

/* WFI with interrupts masked still wakes on a pending enabled interrupt;
 * they are unmasked after, so a remote barrier that woke it is served. */
static void hart_nap(void)
{
    unsigned self = hart_id();

    hw_irq_disable();
    hw_write64(HW_CLINT_MTIMECMP(self), hw_mtime() + HART_NAP_US * (HW_MTIME_HZ / 1000000u));
    __asm__ __volatile__("csrs mie, %0" ::"r"(HW_MIE_MTIE));
    hw_wfi();
    __asm__ __volatile__("csrc mie, %0" ::"r"(HW_MIE_MTIE));
    hw_write64(HW_CLINT_MTIMECMP(self), UINT64_MAX);
    hw_irq_enable();
}

void hart_wait(unsigned *spins)
{
    if (*spins < HART_SPINS) {
        ++*spins;
        pm_cpu_relax();
    } else {
        hart_nap();
    }
}

void hart_barrier(const char *what)
{
    unsigned gen = atomic_load_explicit(&barrier_gen, memory_order_acquire);
    unsigned n = hart_count();
    uint64_t deadline;
    unsigned spins = 0;

    /* Harts that arrive before hart 0 has counted see n == 0 and wait: hart
     * 0 itself arrives only after counting. */
    if (atomic_fetch_add_explicit(&barrier_arrived, 1, memory_order_acq_rel) + 1 == n) {
        atomic_store_explicit(&barrier_arrived, 0, memory_order_relaxed);
        atomic_store_explicit(&barrier_gen, gen + 1, memory_order_release);
        return;
    }
    /* guest_config is hart 0's until it publishes the hart count. */
    deadline = hw_mtime_ms() + (uint64_t)BARRIER_TIMEOUT_MS * (n ? guest_config.scale : 1);
    while (atomic_load_explicit(&barrier_gen, memory_order_acquire) == gen) {
        hart_wait(&spins);
        if (hw_mtime_ms() > deadline)
            verdict_fail("timeout: %u of %u harts reached the barrier before %s",
                         atomic_load_explicit(&barrier_arrived, memory_order_relaxed), hart_count(),
                         what);
    }
}
