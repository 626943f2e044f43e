// LD_PRELOAD shim that counts heap allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc).
// - Benchmarks/bench-relaycore reads the count in-process with dlsym(RTLD_DEFAULT, "peerrelay_malloc_count").
// - Benchmarks/bench-relay reads it from outside: with PEERRELAY_MALLOC_COUNT_FILE=path the counter lives in that
//   file (8 bytes, native-endian unsigned, shared mapping), so the count over a measured window is the difference of
//   two reads of the file.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static unsigned long local_count;
static unsigned long *counter = &local_count;
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

__attribute__((constructor)) static void map_counter_file(void) {
    const char *path = getenv("PEERRELAY_MALLOC_COUNT_FILE");
    if (path == NULL || *path == '\0') return;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return;
    if (ftruncate(fd, sizeof(unsigned long)) == 0) {
        void *shared = mmap(NULL, sizeof(unsigned long), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (shared != MAP_FAILED) {
            *(unsigned long *)shared = __atomic_load_n(&local_count, __ATOMIC_RELAXED);
            __atomic_store_n(&counter, (unsigned long *)shared, __ATOMIC_RELEASE);
        }
    }
    close(fd);
}

static inline void count_one(void) {
    __atomic_add_fetch(__atomic_load_n(&counter, __ATOMIC_ACQUIRE), 1, __ATOMIC_RELAXED);
}

unsigned long peerrelay_malloc_count(void) {
    return __atomic_load_n(__atomic_load_n(&counter, __ATOMIC_ACQUIRE), __ATOMIC_RELAXED);
}

void *malloc(size_t n) {
    count_one();
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t m) {
    count_one();
    return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n) {
    count_one();
    return __libc_realloc(p, n);
}

int posix_memalign(void **out, size_t alignment, size_t n) {
    count_one();
    void *p = __libc_memalign(alignment, n);
    if (!p) return 12;
    *out = p;
    return 0;
}

void *aligned_alloc(size_t alignment, size_t n) {
    count_one();
    return __libc_memalign(alignment, n);
}
