/*
 * fault.h (internal) - pm_fault_active(f): true when fault f is injected.
 * Constant false unless built with PM_FAULT_INJECTION, so the compiler
 * removes every injected branch from normal builds.
 */
#ifndef PM_FAULT_INTERNAL_H
#define PM_FAULT_INTERNAL_H

#include <physmem/fault.h>

#ifndef PM_FAULT_INJECTION
#define PM_FAULT_INJECTION 0
#endif

#if PM_FAULT_INJECTION
extern unsigned pm_fault_mask;
#define pm_fault_active(f) (__builtin_expect((pm_fault_mask & (unsigned)(f)) != 0, 0))
#else
#define pm_fault_active(f) ((void)(f), 0)
#endif

#endif /* PM_FAULT_INTERNAL_H */
