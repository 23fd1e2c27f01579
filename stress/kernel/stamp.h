/*
 * stamp.h - owner stamps in the pages themselves: a page handed out twice
 * is caught by what is written in it.
 *
 * A held page carries its owner's stamp (LIVE, hart, sequence number of the
 * allocation) in its first and last 8 bytes; a page given back carries a
 * FREE mark at both ends. Physical address == pointer.
 */
#ifndef GUEST_STAMP_H
#define GUEST_STAMP_H

#include <stdint.h>

static inline uint64_t stamp_make(unsigned hart, uint64_t seq)
{
    return 0x4c49ull << 48 | (uint64_t)hart << 40 | (seq & ((1ull << 40) - 1));
}

/* A block just allocated by `hart`: no page of it may carry a LIVE stamp
 * (someone else holds it: FAIL "handed out twice"); then every page gets
 * `stamp` at both ends. */
void stamp_claim(uint64_t pa, unsigned order, uint64_t stamp, unsigned hart);

/* A block about to be freed by `hart`: every page must still carry `stamp`
 * at both ends (FAIL otherwise); then each gets the FREE mark at both ends. */
void stamp_release(uint64_t pa, unsigned order, uint64_t stamp, unsigned hart);

#endif /* GUEST_STAMP_H */
