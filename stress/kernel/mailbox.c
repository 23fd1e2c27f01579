/*
 * mailbox.c - SPSC rings of MAILBOX_SLOTS entries. The sender fills a slot,
 * then publishes it by storing tail with release; the receiver reads tail
 * with acquire, copies the slot, then frees it by storing head with
 * release. The stamps the sender wrote into the block's pages happen
 * before its release, so the receiver's check sees them.
 */
#include "mailbox.h"

#include <stdatomic.h>

#include "hart.h"

#define MAILBOX_SLOTS 32u

struct ring {
    _Atomic uint32_t head; /* next slot to receive */
    _Atomic uint32_t tail; /* next slot to fill */
    struct mail slot[MAILBOX_SLOTS];
} __attribute__((aligned(64)));

static struct ring rings[GUEST_MAX_HARTS][GUEST_MAX_HARTS];

bool mailbox_send(unsigned from, unsigned to, const struct mail *m)
{
    struct ring *r = &rings[from][to];
    uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);

    if (tail - atomic_load_explicit(&r->head, memory_order_acquire) == MAILBOX_SLOTS)
        return false;
    r->slot[tail % MAILBOX_SLOTS] = *m;
    atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
    return true;
}

bool mailbox_recv(unsigned from, unsigned to, struct mail *m)
{
    struct ring *r = &rings[from][to];
    uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);

    if (head == atomic_load_explicit(&r->tail, memory_order_acquire))
        return false;
    *m = r->slot[head % MAILBOX_SLOTS];
    atomic_store_explicit(&r->head, head + 1, memory_order_release);
    return true;
}
