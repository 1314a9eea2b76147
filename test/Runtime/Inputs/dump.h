/* Helpers shared by the C programs of the runtime tests (header-only).
 *
 *  - fill_input():  deterministic input data for any element type;
 *  - print_values(): the first values of a tensor, one line;
 *  - dump_begin() starts DIR/manifest.tsv; dump_tensor() writes a tensor's
 *    raw bytes to DIR/<kind><index>.bin and appends
 *    "kind<TAB>index<TAB>name<TAB>dtype<TAB>d0,d1,...<TAB>file" to the
 *    manifest, which compare_ort.py reads to run the same inputs through
 *    onnxruntime and compare the outputs.
 *
 * Needs only the descriptor types of onnxc/runtime.h, no runtime function:
 * dlopen_generic.c must not link the runtime. */
#ifndef RUNTIME_TEST_DUMP_H
#define RUNTIME_TEST_DUMP_H

#include "onnxc/runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define DUMP_UNUSED __attribute__((unused))
#else
#define DUMP_UNUSED
#endif

DUMP_UNUSED
static size_t dump_dtype_size(int32_t dtype) {
  switch (dtype) {
  case ONNXC_UINT8: case ONNXC_INT8: case ONNXC_BOOL: return 1;
  case ONNXC_UINT16: case ONNXC_INT16: case ONNXC_FLOAT16:
  case ONNXC_BFLOAT16: return 2;
  case ONNXC_FLOAT: case ONNXC_INT32: case ONNXC_UINT32: return 4;
  case ONNXC_INT64: case ONNXC_DOUBLE: case ONNXC_UINT64: return 8;
  default: return 0;
  }
}

DUMP_UNUSED
static int64_t dump_elements(int32_t rank, const int64_t *shape) {
  int64_t n = 1;
  for (int32_t i = 0; i < rank; ++i)
    n *= shape[i];
  return n;
}

/* Input `index`: floats in [-1, 1), integers in [0, 10) (valid indices into
 * a table of 10 rows), bools alternating. */
DUMP_UNUSED
static void fill_input(void *data, int32_t dtype, int64_t n, int index) {
  for (int64_t i = 0; i < n; ++i) {
    double f = (double)((i * 37 + index * 11) % 101) / 50.5 - 1.0;
    int64_t k = (i * 7 + index * 3 + 3) % 10;
    switch (dtype) {
    case ONNXC_FLOAT: ((float *)data)[i] = (float)f; break;
    case ONNXC_DOUBLE: ((double *)data)[i] = f; break;
    case ONNXC_INT64: ((int64_t *)data)[i] = k; break;
    case ONNXC_INT32: ((int32_t *)data)[i] = (int32_t)k; break;
    case ONNXC_UINT64: ((uint64_t *)data)[i] = (uint64_t)k; break;
    case ONNXC_UINT32: ((uint32_t *)data)[i] = (uint32_t)k; break;
    case ONNXC_INT16: ((int16_t *)data)[i] = (int16_t)k; break;
    case ONNXC_UINT16: ((uint16_t *)data)[i] = (uint16_t)k; break;
    case ONNXC_INT8: ((int8_t *)data)[i] = (int8_t)k; break;
    case ONNXC_UINT8: ((uint8_t *)data)[i] = (uint8_t)k; break;
    case ONNXC_BOOL: ((uint8_t *)data)[i] = (uint8_t)(i % 2); break;
    default: memset((char *)data + i * dump_dtype_size(dtype), 0,
                    dump_dtype_size(dtype));
    }
  }
}

/* "v0 v1 ... (n values)": floats with 4 decimals, integers exactly. */
DUMP_UNUSED
static void print_values(const void *data, int32_t dtype, int64_t n) {
  int64_t shown = n < 8 ? n : 8;
  for (int64_t i = 0; i < shown; ++i) {
    switch (dtype) {
    case ONNXC_FLOAT: printf(" %.4f", ((const float *)data)[i]); break;
    case ONNXC_DOUBLE: printf(" %.4f", ((const double *)data)[i]); break;
    case ONNXC_INT64: printf(" %lld", (long long)((const int64_t *)data)[i]); break;
    case ONNXC_INT32: printf(" %d", (int)((const int32_t *)data)[i]); break;
    case ONNXC_BOOL: case ONNXC_UINT8:
      printf(" %u", (unsigned)((const uint8_t *)data)[i]); break;
    default: printf(" ?"); break;
    }
  }
  printf("%s\n", n > shown ? " ..." : "");
}

/* Starts an empty DIR/manifest.tsv (DIR must exist). */
DUMP_UNUSED
static void dump_begin(const char *dir) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/manifest.tsv", dir);
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(2);
  }
  fclose(f);
}

DUMP_UNUSED
static void dump_tensor(const char *dir, const char *kind, int index,
                        const char *name, int32_t dtype, int32_t rank,
                        const int64_t *shape, const void *data) {
  char path[4096], file[64];
  snprintf(file, sizeof(file), "%s%d.bin", kind, index);
  snprintf(path, sizeof(path), "%s/%s", dir, file);
  FILE *f = fopen(path, "wb");
  size_t bytes = (size_t)dump_elements(rank, shape) * dump_dtype_size(dtype);
  if (!f || fwrite(data, 1, bytes, f) != bytes || fclose(f) != 0) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(2);
  }
  snprintf(path, sizeof(path), "%s/manifest.tsv", dir);
  if (!(f = fopen(path, "a"))) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(2);
  }
  fprintf(f, "%s\t%d\t%s\t%d\t", kind, index, name, (int)dtype);
  for (int32_t i = 0; i < rank; ++i)
    fprintf(f, "%s%lld", i ? "," : "", (long long)shape[i]);
  fprintf(f, "\t%s\n", file);
  fclose(f);
}

#endif /* RUNTIME_TEST_DUMP_H */
