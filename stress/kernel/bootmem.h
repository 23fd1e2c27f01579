/*
 * bootmem.h - the kernel's boot memory: a bump allocator over
 * [HW_BOOTMEM_BASE, HW_BOOTMEM_END) for the allocator's own buffer and the
 * metadata of regions added with pm_smp_add_region_mem. Never freed.
 */
#ifndef GUEST_BOOTMEM_H
#define GUEST_BOOTMEM_H

#include <stddef.h>

/* size bytes aligned to align (a power of two), or NULL when it is full. */
void *bootmem_alloc(size_t size, size_t align);
/* Bytes handed out so far. */
size_t bootmem_used(void);

#endif /* GUEST_BOOTMEM_H */
