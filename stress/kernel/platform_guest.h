/*
 * platform_guest.h - what the guest's platform hooks counted.
 */
#ifndef GUEST_PLATFORM_GUEST_H
#define GUEST_PLATFORM_GUEST_H

#include <stdint.h>

/* Calls of pm_plat_alloc (each refused); the verdict wants 0. */
uint64_t platform_alloc_calls(void);
/* Calls of pm_plat_remote_barrier_init. */
uint64_t platform_barrier_inits(void);

#endif /* GUEST_PLATFORM_GUEST_H */
