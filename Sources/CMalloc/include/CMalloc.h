#ifndef MODEMMESSAGING_CMALLOC_H
#define MODEMMESSAGING_CMALLOC_H

// glibc's malloc tuning, which Swift's Glibc module does not expose (malloc.h). On another C library each call
// does nothing and returns 0.

/// mallopt(M_ARENA_MAX, count) (mallopt(3)): at most `count` malloc arenas. glibc otherwise gives threads up to
/// 8 per core, and memory freed in one arena is not reused by the others. Returns mallopt's 1 on success.
int cmalloc_limit_arenas(int count);

/// malloc_trim(0) (malloc_trim(3)): returns the free pages of every arena to the kernel (glibc >= 2.8 also
/// releases free pages inside an arena, not only at its top). Returns 1 when memory was released.
int cmalloc_trim(void);
#endif
