/*
 * arena.c - the managed memory: an mmap'd arena aligned to 2 MiB (mapped
 * larger, then trimmed), identity-mapped (a page's physical address is its
 * address in the arena), and the words written into its pages: an owner
 * stamp while a block is held, a FREE poison once it has been freed.
 */
#include "stress.h"

#include <string.h>
#include <sys/mman.h>

#define STRESS_ALIGN ((size_t)2 << 20)

int stress_arena_create(struct stress_arena *a, size_t pages)
{
    size_t len = pages * PM_PAGE_SIZE;
    size_t map_len = len + STRESS_ALIGN;
    unsigned char *map = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (map == MAP_FAILED)
        return -1;
    uintptr_t p = (uintptr_t)map;
    uintptr_t base = (p + STRESS_ALIGN - 1) & ~(uintptr_t)(STRESS_ALIGN - 1);
    size_t head = (size_t)(base - p);
    size_t tail = map_len - head - len;
    if (head)
        munmap(map, head);
    if (tail)
        munmap((unsigned char *)base + len, tail);
    memset(a, 0, sizeof(*a));
    a->base = (unsigned char *)base;
    a->pages = pages;
    a->map = a->base;
    a->map_len = len;
    return 0;
}

void stress_arena_destroy(struct stress_arena *a)
{
    if (a->map)
        munmap(a->map, a->map_len);
    memset(a, 0, sizeof(*a));
}

uint64_t stress_arena_addr(const struct stress_arena *a, size_t page)
{
    return (uint64_t)(uintptr_t)(a->base + page * PM_PAGE_SIZE);
}

unsigned char *stress_arena_ptr(uint64_t addr)
{
    return (unsigned char *)(uintptr_t)addr;
}

/* Held: tag A11C, owner slot, the owner's sequence number. */
uint64_t stress_stamp(unsigned owner, uint32_t seq)
{
    return (0xa11cull << 48) | ((uint64_t)(owner & 0xffffu) << 32) | seq;
}

/* Free: tag F4EE and the page frame number, so a page copied elsewhere shows. */
uint64_t stress_poison(uint64_t addr)
{
    return (0xf4eeull << 48) | ((addr >> PM_PAGE_SHIFT) & 0xffffffffffffull);
}

#define STRESS_WORDS (PM_PAGE_SIZE / sizeof(uint64_t))

void stress_page_stamp(uint64_t addr, uint64_t stamp, bool every_word)
{
    uint64_t *w = (uint64_t *)(void *)stress_arena_ptr(addr);
    if (every_word) {
        for (size_t i = 0; i < STRESS_WORDS; i++)
            w[i] = stamp;
    } else {
        w[0] = stamp;
        w[STRESS_WORDS - 1] = stamp;
    }
}

size_t stress_page_check(uint64_t addr, uint64_t want, bool every_word, uint64_t *found)
{
    const uint64_t *w = (const uint64_t *)(const void *)stress_arena_ptr(addr);
    if (every_word) {
        for (size_t i = 0; i < STRESS_WORDS; i++) {
            if (w[i] != want) {
                *found = w[i];
                return i * sizeof(uint64_t) + 1;
            }
        }
        return 0;
    }
    if (w[0] != want) {
        *found = w[0];
        return 1;
    }
    if (w[STRESS_WORDS - 1] != want) {
        *found = w[STRESS_WORDS - 1];
        return (STRESS_WORDS - 1) * sizeof(uint64_t) + 1;
    }
    return 0;
}
