#include "CMalloc.h"
#include <stdlib.h> // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>

int cmalloc_limit_arenas(int count) { return mallopt(M_ARENA_MAX, count); }

int cmalloc_trim(void) { return malloc_trim(0); }
#else
int cmalloc_limit_arenas(int count) {
    (void)count;
    return 0;
}

int cmalloc_trim(void) { return 0; }
#endif
