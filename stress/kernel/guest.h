/*
 * guest.h - the allocator under test, shared by every hart: built by hart
 * 0 before the first barrier (main.c), then used from every hart with the
 * hart's index as its CPU slot.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <physmem/smp.h>

extern pm_smp_t *guest_smp;

#endif /* GUEST_GUEST_H */
