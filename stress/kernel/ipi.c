/*
 * ipi.c - the remote barrier that pm_plat_remote_barrier is in IPI mode.
 *
 * Each hart h has a request counter req[h] and an acknowledgement ack[h].
 * A sender, for every other online hart h: takes a ticket
 * want[h] = ++req[h] (one atomic add, so senders need no lock), then, after
 * a fence, raises h's MSIP bit in the CLINT; then it waits until
 * ack[h] >= want[h] for each of them.
 *
 * The handler on h clears its own MSIP first, then reads req[h] (r), runs
 * fence rw,rw, and stores ack[h] = r with release. Its fence comes after a
 * read that saw the sender's ticket, which was taken after the call began:
 * so an acknowledgement that covers a ticket proves a full barrier on h
 * since then, and the store-release/load-acquire pair makes h's earlier
 * plain stores visible to the sender. If the read misses a ticket, that
 * sender's MSIP write came after the clear, so the interrupt is pending
 * again and the next run of the handler covers it. Concurrent senders
 * share interrupts and never lose one.
 *
 * Interrupts are on whenever physmem runs (the platform contract), also
 * while a sender waits, so two harts sending to each other both finish. A
 * hart that does not acknowledge within IPI_TIMEOUT_MS ends the run.
 */
#include "ipi.h"

#include <stdatomic.h>

#include <physmem/platform.h>

#include "hart.h"
#include "hw.h"
#include "verdict.h"

#define IPI_TIMEOUT_MS 20000u

struct ipi_slot {
    _Atomic uint64_t req;
    _Atomic uint64_t ack;
    _Atomic uint64_t sent;
    _Atomic uint64_t handled;
    _Atomic uint64_t wait_ticks; /* mtime ticks this hart spent waiting for acks */
} __attribute__((aligned(64)));

static struct ipi_slot slots[GUEST_MAX_HARTS];

void ipi_barrier(void)
{
    unsigned self = hart_id();
    uint64_t want[GUEST_MAX_HARTS];
    unsigned targets = 0; /* bit h: hart h was sent a ticket */
    uint64_t t0 = hw_mtime(), deadline = hw_mtime_ms() + IPI_TIMEOUT_MS;

    for (unsigned h = 0; h < GUEST_MAX_HARTS; h++) {
        if (h != self && hart_is_online(h)) {
            want[h] = atomic_fetch_add(&slots[h].req, 1) + 1;
            targets |= 1u << h;
        }
    }
    hw_fence();
    for (unsigned h = 0; h < GUEST_MAX_HARTS; h++) {
        if (targets & (1u << h))
            hw_write32(HW_CLINT_MSIP(h), 1);
    }
    for (unsigned h = 0, spins = 0; h < GUEST_MAX_HARTS; h++) {
        if (!(targets & (1u << h)))
            continue;
        while (atomic_load_explicit(&slots[h].ack, memory_order_acquire) < want[h]) {
            hart_wait(&spins);
            if (hw_mtime_ms() > deadline)
                verdict_fail("ipi: hart %u did not acknowledge remote barrier %lu in %u ms", h,
                             (unsigned long)want[h], IPI_TIMEOUT_MS);
        }
    }
    hw_fence();
    atomic_fetch_add_explicit(&slots[self].sent, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&slots[self].wait_ticks, hw_mtime() - t0, memory_order_relaxed);
}

void ipi_handle(void)
{
    unsigned self = hart_id();
    uint64_t r;

    hw_write32(HW_CLINT_MSIP(self), 0);
    hw_fence();
    r = atomic_load_explicit(&slots[self].req, memory_order_relaxed);
    hw_fence();
    atomic_store_explicit(&slots[self].ack, r, memory_order_release);
    atomic_fetch_add_explicit(&slots[self].handled, 1, memory_order_relaxed);
}

uint64_t ipi_sent(unsigned hart)
{
    return atomic_load_explicit(&slots[hart].sent, memory_order_relaxed);
}

uint64_t ipi_handled(unsigned hart)
{
    return atomic_load_explicit(&slots[hart].handled, memory_order_relaxed);
}

uint64_t ipi_wait_us(unsigned hart)
{
    return atomic_load_explicit(&slots[hart].wait_ticks, memory_order_relaxed) /
           (HW_MTIME_HZ / 1000000u);
}
