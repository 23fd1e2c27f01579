/*
 * hart.h - who am I, who else is up, and the phase barrier.
 *
 * Every hart keeps a pointer to its struct hart in tp (start.S sets it
 * before any C runs, and nothing else uses tp: the guest has no TLS). A
 * hart's index is its CPU slot in the allocator.
 */
#ifndef GUEST_HART_H
#define GUEST_HART_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define GUEST_MAX_HARTS  8
#define GUEST_STACK_SIZE 16384 /* start.S: per-hart stacks */
#define GUEST_HART_SIZE  64    /* start.S: sizeof(struct hart), tp = &guest_harts[id] */

struct hart {
    unsigned id;
    _Atomic bool online;
} __attribute__((aligned(GUEST_HART_SIZE)));

_Static_assert(sizeof(struct hart) == GUEST_HART_SIZE, "start.S indexes guest_harts by 64");

extern struct hart guest_harts[GUEST_MAX_HARTS];

static inline struct hart *hart_self(void)
{
    struct hart *h;

    __asm__("mv %0, tp" : "=r"(h));
    return h;
}

static inline unsigned hart_id(void)
{
    return hart_self()->id;
}

/* Harts that checked in (hart_enter); fixed once hart 0 has counted them. */
unsigned hart_count(void);
bool hart_is_online(unsigned id);

/* This hart is up: its identity, its trap vector and machine software
 * interrupts on. Every hart calls it first. */
void hart_enter(unsigned long hartid);

/* Hart 0: waits until `want` harts have checked in (or the deadline) and
 * fixes hart_count() at the number that did. */
unsigned hart_wait_online(unsigned want, uint64_t timeout_ms);

/*
 * One turn of a wait for another hart: pm_cpu_relax() for the first
 * HART_SPINS turns (*spins counts them), then a nap: WFI until an
 * interrupt or HART_NAP_US later. Under QEMU a napping vCPU gives its host
 * thread's CPU to the hart it waits for.
 */
void hart_wait(unsigned *spins);

/* Every online hart waits here until all have arrived; interrupts stay on,
 * so remote barriers are still acknowledged. A hart that is not there in
 * time ends the run: FAIL naming the phase `what`. */
void hart_barrier(const char *what);

#endif /* GUEST_HART_H */
