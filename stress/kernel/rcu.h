/*
 * rcu.h - a per-hart epoch RCU for physmem's zone table.
 */
#ifndef GUEST_RCU_H
#define GUEST_RCU_H

#include <stdint.h>

void rcu_read_lock(void);
void rcu_read_unlock(void);
void rcu_synchronize(void);

/* Grace periods this hart waited for (calls to rcu_synchronize). */
uint64_t rcu_syncs(unsigned hart);

#endif /* GUEST_RCU_H */
