/* Runs any model compiled by onnx-compile (-o model.so) once, through the
 * generic API found with dlsym, and writes what it computed:
 *
 *   dlopen_run MODEL.so OUTDIR
 *
 * The inputs are the deterministic ones of dump.h, so the same program built
 * for two targets (cc and aarch64-linux-gnu-gcc) feeds a model compiled for
 * each the same bytes; OUTDIR gets manifest.tsv with the raw inputs and
 * outputs, for compare_dumps.py (two targets) and compare_ort.py
 * (onnxruntime). Prints the model's signature and the run's wall time.
 *
 * Exit status 1, with a line starting "FAIL", when the library cannot be
 * loaded or a call fails. Lighter than dlopen_generic.c, which checks the
 * whole API: this one runs once, as a slow emulator allows. */
#define _POSIX_C_SOURCE 200809L

#include "dump.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef const onnxc_model_desc *(*get_model_fn)(void);
typedef onnxc_status (*session_create_fn)(const onnxc_model_desc *, void *,
                                          onnxc_session **);
typedef onnxc_status (*run_fn)(onnxc_session *, const onnxc_tensor *, size_t,
                               const onnxc_tensor *, size_t);
typedef const char *(*last_error_fn)(void);
typedef void (*session_destroy_fn)(onnxc_session *);
typedef const char *(*dtype_name_fn)(int32_t);

/* dlsym into a function pointer (ISO C has no cast between the two). */
static void look_up(void *handle, const char *symbol, void *fn, size_t size) {
  void *address = dlsym(handle, symbol);
  if (!address) {
    printf("FAIL: the model does not export %s\n", symbol);
    exit(1);
  }
  memcpy(fn, &address, size);
}
#define LOOK_UP(handle, fn, symbol) look_up(handle, symbol, &fn, sizeof(fn))

/* A buffer of n bytes, 64-byte aligned (aligned_alloc wants a multiple). */
static void *alloc64(size_t n) {
  size_t size = (n + 63) / 64 * 64;
  void *p = aligned_alloc(64, size ? size : 64);
  if (!p) {
    printf("FAIL: out of memory\n");
    exit(1);
  }
  return p;
}

static void print_tensor(const char *kind, const onnxc_tensor_desc *d,
                         dtype_name_fn dtype_name) {
  printf("%s %s %s [", kind, d->name, dtype_name(d->dtype));
  for (int32_t i = 0; i < d->rank; ++i)
    printf("%s%lld", i ? "," : "", (long long)d->shape[i]);
  printf("]\n");
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: dlopen_run MODEL.so OUTDIR\n");
    return 2;
  }
  void *handle = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    printf("FAIL: dlopen: %s\n", dlerror());
    return 1;
  }
  get_model_fn get_model;
  session_create_fn session_create;
  run_fn run;
  last_error_fn last_error;
  session_destroy_fn session_destroy;
  dtype_name_fn dtype_name;
  LOOK_UP(handle, get_model, "onnxc_get_model");
  LOOK_UP(handle, session_create, "onnxc_session_create");
  LOOK_UP(handle, run, "onnxc_run");
  LOOK_UP(handle, last_error, "onnxc_last_error");
  LOOK_UP(handle, session_destroy, "onnxc_session_destroy");
  LOOK_UP(handle, dtype_name, "onnxc_dtype_name");

  const onnxc_model_desc *desc = get_model();
  if (!desc) {
    printf("FAIL: onnxc_get_model() returned NULL\n");
    return 1;
  }
  printf("model %s: %d inputs, %d outputs, workspace %llu bytes\n", desc->name,
         desc->num_inputs, desc->num_outputs,
         (unsigned long long)desc->workspace_bytes);

  const char *outdir = argv[2];
  dump_begin(outdir);
  onnxc_tensor *inputs = calloc((size_t)desc->num_inputs + 1, sizeof(*inputs));
  onnxc_tensor *outputs =
      calloc((size_t)desc->num_outputs + 1, sizeof(*outputs));
  for (int i = 0; i < desc->num_inputs; ++i) {
    const onnxc_tensor_desc *d = &desc->inputs[i];
    int64_t n = dump_elements(d->rank, d->shape);
    inputs[i].data = alloc64((size_t)n * dump_dtype_size(d->dtype));
    inputs[i].dtype = d->dtype;
    inputs[i].rank = d->rank;
    inputs[i].shape = d->shape;
    fill_input(inputs[i].data, d->dtype, n, i);
    print_tensor("input", d, dtype_name);
    dump_tensor(outdir, "input", i, d->name, d->dtype, d->rank, d->shape,
                inputs[i].data);
  }
  for (int i = 0; i < desc->num_outputs; ++i) {
    const onnxc_tensor_desc *d = &desc->outputs[i];
    outputs[i].data = alloc64((size_t)dump_elements(d->rank, d->shape) *
                              dump_dtype_size(d->dtype));
    outputs[i].dtype = d->dtype;
    outputs[i].rank = d->rank;
    outputs[i].shape = d->shape;
    print_tensor("output", d, dtype_name);
  }

  onnxc_session *session = NULL;
  if (session_create(desc, NULL, &session) != ONNXC_OK) {
    printf("FAIL: onnxc_session_create: %s\n", last_error());
    return 1;
  }
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  onnxc_status s = run(session, inputs, (size_t)desc->num_inputs, outputs,
                       (size_t)desc->num_outputs);
  clock_gettime(CLOCK_MONOTONIC, &end);
  if (s != ONNXC_OK) {
    printf("FAIL: onnxc_run: %s\n", last_error());
    return 1;
  }
  printf("run: %.1f ms\n", (double)(end.tv_sec - start.tv_sec) * 1e3 +
                               (double)(end.tv_nsec - start.tv_nsec) / 1e6);
  for (int i = 0; i < desc->num_outputs; ++i) {
    const onnxc_tensor_desc *d = &desc->outputs[i];
    printf("output %s:", d->name);
    print_values(outputs[i].data, d->dtype, dump_elements(d->rank, d->shape));
    dump_tensor(outdir, "output", i, d->name, d->dtype, d->rank, d->shape,
                outputs[i].data);
  }
  session_destroy(session);
  for (int i = 0; i < desc->num_inputs; ++i)
    free(inputs[i].data);
  for (int i = 0; i < desc->num_outputs; ++i)
    free(outputs[i].data);
  free(inputs);
  free(outputs);
  printf("done\n");
  return 0;
}
