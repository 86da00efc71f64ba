/*
 * The libFuzzer entry point every tests/fuzz/fuzz_*.c defines. Under clang -fsanitize=fuzzer
 * libFuzzer drives it; under gcc, replay.c feeds it the committed corpus.
 */
#ifndef RP_FUZZ_H
#define RP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
