/*
 * bootmem.c - a bump pointer under a spinlock (hart 0 at setup and the
 * hot-adding hart may both allocate). The range lies between the kernel
 * image and the config page (hw.h); the linker script checks the image
 * ends below it.
 */
#include "bootmem.h"

#include <stdint.h>

#include "hw.h"
#include "spinlock.h"

static struct spinlock lock;
static uintptr_t next = HW_BOOTMEM_BASE;

void *bootmem_alloc(size_t size, size_t align)
{
    uintptr_t p;
    void *out = NULL;

    spin_lock(&lock);
    p = (next + align - 1) & ~(uintptr_t)(align - 1);
    if (p >= next && p <= HW_BOOTMEM_END && size <= HW_BOOTMEM_END - p) {
        next = p + size;
        out = (void *)p;
    }
    spin_unlock(&lock);
    return out;
}

size_t bootmem_used(void)
{
    return next - HW_BOOTMEM_BASE;
}
