/*
 * physmem/physmem.h - the umbrella header of the buddy core.
 * #include <physmem/smp.h> as well for the SMP allocator.
 *
 * Contract: no function of its own. Each header it includes lists, in its
 * contract section, the errors each of its functions can return (buddy.h,
 * order.h, fault.h; error.h says what each code means, PM_ENOMEM's promise
 * included).
 */
#ifndef PHYSMEM_PHYSMEM_H
#define PHYSMEM_PHYSMEM_H

#include <physmem/config.h>
#include <physmem/error.h>
#include <physmem/addr.h>
#include <physmem/order.h>
#include <physmem/frame.h>
#include <physmem/stats.h>
#include <physmem/buddy.h>
#include <physmem/fault.h>

#define PHYSMEM_VERSION_MAJOR 0
#define PHYSMEM_VERSION_MINOR 1
#define PHYSMEM_VERSION_PATCH 0

#endif /* PHYSMEM_PHYSMEM_H */
