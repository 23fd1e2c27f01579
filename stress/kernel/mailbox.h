/*
 * mailbox.h - blocks handed from one hart to another to be freed there:
 * one single-producer single-consumer ring per (sender, receiver) pair.
 */
#ifndef GUEST_MAILBOX_H
#define GUEST_MAILBOX_H

#include <stdbool.h>
#include <stdint.h>

struct mail {
    uint64_t pa;
    uint64_t stamp; /* the allocating hart's stamp, checked by the receiver */
    uint32_t npages;
    uint8_t order;
};

/* false when the ring from -> to is full. Only hart `from` calls it. */
bool mailbox_send(unsigned from, unsigned to, const struct mail *m);
/* false when the ring from -> to is empty. Only hart `to` calls it. */
bool mailbox_recv(unsigned from, unsigned to, struct mail *m);

#endif /* GUEST_MAILBOX_H */
