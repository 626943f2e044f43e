// LD_PRELOAD shim for Benchmarks/bench-relaycore: counts heap allocations so the benchmark can prove the data path
// allocates nothing. Read the count with dlsym(RTLD_DEFAULT, "peerrelay_malloc_count").
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

static unsigned long allocations;
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

unsigned long peerrelay_malloc_count(void) { return __atomic_load_n(&allocations, __ATOMIC_RELAXED); }

void *malloc(size_t n) {
    __atomic_add_fetch(&allocations, 1, __ATOMIC_RELAXED);
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t m) {
    __atomic_add_fetch(&allocations, 1, __ATOMIC_RELAXED);
    return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n) {
    __atomic_add_fetch(&allocations, 1, __ATOMIC_RELAXED);
    return __libc_realloc(p, n);
}

int posix_memalign(void **out, size_t alignment, size_t n) {
    __atomic_add_fetch(&allocations, 1, __ATOMIC_RELAXED);
    void *p = __libc_memalign(alignment, n);
    if (!p) return 12;
    *out = p;
    return 0;
}

void *aligned_alloc(size_t alignment, size_t n) {
    __atomic_add_fetch(&allocations, 1, __ATOMIC_RELAXED);
    return __libc_memalign(alignment, n);
}
