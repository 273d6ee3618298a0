#ifndef MODEMMESSAGING_CFUZZSUPPORT_H
#define MODEMMESSAGING_CFUZZSUPPORT_H
#include <stddef.h>
#include <stdint.h>
// libFuzzer's driver (compiler-rt), so that a Swift `main` can start it (TOOLCHAIN.md §8).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
