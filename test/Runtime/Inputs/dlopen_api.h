/* Helpers shared by the runtime tests' C programs that load a compiled model
 * with dlopen and call the generic API of onnxc/runtime.h through dlsym
 * (header-only; dlopen_generic.c, dlopen_run.c, two_dlopen.c):
 *
 *  - *_fn: the types of the API's functions, for pointers found by dlsym;
 *  - LOOK_UP(handle, fn, "symbol"): dlsym into `fn`, or prints
 *    "FAIL: the model does not export symbol" and exits 1;
 *  - open_model(): dlopen and the API's core functions in a model_api;
 *  - alloc64(): a 64-byte aligned buffer, or "FAIL: out of memory", exit 1;
 *  - new_tensors(), new_inputs(), free_tensors(): the tensors a descriptor
 *    asks for, inputs filled and written as dump.h does;
 *  - print_shape(), print_outputs(), dump_outputs().
 *
 * Like dump.h it needs no runtime function: these programs link neither the
 * model nor the runtime. An includer defines _POSIX_C_SOURCE before any
 * header, for dlfcn.h. */
#ifndef RUNTIME_TEST_DLOPEN_API_H
#define RUNTIME_TEST_DLOPEN_API_H

#include "dump.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef const onnxc_model_desc *(*get_model_fn)(void);
typedef onnxc_status (*session_create_fn)(const onnxc_model_desc *, void *,
                                          onnxc_session **);
typedef onnxc_status (*run_fn)(onnxc_session *, const onnxc_tensor *, size_t,
                               const onnxc_tensor *, size_t);
typedef const char *(*last_error_fn)(void);
typedef void (*session_destroy_fn)(onnxc_session *);
typedef const char *(*dtype_name_fn)(int32_t);
typedef int (*find_fn)(const onnxc_model_desc *, const char *);
typedef void (*set_num_threads_fn)(int);
typedef int (*get_num_threads_fn)(void);

/* dlsym into a function pointer (ISO C has no cast between the two). */
DUMP_UNUSED
static void look_up(void *handle, const char *symbol, void *fn, size_t size) {
  void *address = dlsym(handle, symbol);
  if (!address) {
    printf("FAIL: the model does not export %s\n", symbol);
    exit(1);
  }
  memcpy(fn, &address, size);
}
#define LOOK_UP(handle, fn, symbol) look_up(handle, symbol, &fn, sizeof(fn))

/* The functions of the generic API that every program here calls. */
typedef struct {
  get_model_fn get_model;
  session_create_fn session_create;
  run_fn run;
  last_error_fn last_error;
  session_destroy_fn session_destroy;
  dtype_name_fn dtype_name;
} model_api;

/* dlopen(path, RTLD_NOW | flags) and looks up the functions of *api in it.
 * Returns the handle (for LOOK_UP of others), or NULL after printing
 * "FAIL: dlopen: <dlerror()>"; a missing function exits as LOOK_UP does. */
DUMP_UNUSED
static void *open_model(const char *path, int flags, model_api *api) {
  void *handle = dlopen(path, RTLD_NOW | flags);
  if (!handle) {
    printf("FAIL: dlopen: %s\n", dlerror());
    return NULL;
  }
  LOOK_UP(handle, api->get_model, "onnxc_get_model");
  LOOK_UP(handle, api->session_create, "onnxc_session_create");
  LOOK_UP(handle, api->run, "onnxc_run");
  LOOK_UP(handle, api->last_error, "onnxc_last_error");
  LOOK_UP(handle, api->session_destroy, "onnxc_session_destroy");
  LOOK_UP(handle, api->dtype_name, "onnxc_dtype_name");
  return handle;
}

/* A buffer of n bytes, 64-byte aligned (aligned_alloc wants a multiple). */
DUMP_UNUSED
static void *alloc64(size_t n) {
  size_t size = (n + 63) / 64 * 64;
  void *p = aligned_alloc(64, size ? size : 64);
  if (!p) {
    printf("FAIL: out of memory\n");
    exit(1);
  }
  return p;
}

/* Bytes of the data of a tensor described by `d`. */
DUMP_UNUSED
static size_t tensor_bytes(const onnxc_tensor_desc *d) {
  return (size_t)dump_elements(d->rank, d->shape) * dump_dtype_size(d->dtype);
}

/* Tensors over fresh alloc64() buffers (contents undefined), one for each of
 * the n descriptors `d`, with their element types and shapes. The array has
 * n + 1 entries, the last all zero, so that a call may pass one too many. */
DUMP_UNUSED
static onnxc_tensor *new_tensors(const onnxc_tensor_desc *d, int n) {
  onnxc_tensor *t = calloc((size_t)n + 1, sizeof(*t));
  if (!t) {
    printf("FAIL: out of memory\n");
    exit(1);
  }
  for (int i = 0; i < n; ++i) {
    t[i].data = alloc64(tensor_bytes(&d[i]));
    t[i].dtype = d[i].dtype;
    t[i].rank = d[i].rank;
    t[i].shape = d[i].shape;
  }
  return t;
}

/* Frees what new_tensors() (n tensors) or new_inputs() returned. */
DUMP_UNUSED
static void free_tensors(onnxc_tensor *t, int n) {
  for (int i = 0; i < n; ++i)
    free(t[i].data);
  free(t);
}

/* The model's inputs, input i filled by fill_input(..., i); starts
 * DIR/manifest.tsv (dump_begin) and writes each input there (dump_tensor). */
DUMP_UNUSED
static onnxc_tensor *new_inputs(const onnxc_model_desc *desc, const char *dir) {
  dump_begin(dir);
  onnxc_tensor *t = new_tensors(desc->inputs, desc->num_inputs);
  for (int i = 0; i < desc->num_inputs; ++i) {
    const onnxc_tensor_desc *d = &desc->inputs[i];
    fill_input(t[i].data, d->dtype, dump_elements(d->rank, d->shape), i);
    dump_tensor(dir, "input", i, d->name, d->dtype, d->rank, d->shape,
                t[i].data);
  }
  return t;
}

/* "[d0,d1,...]", no newline. */
DUMP_UNUSED
static void print_shape(int32_t rank, const int64_t *shape) {
  printf("[");
  for (int32_t i = 0; i < rank; ++i)
    printf("%s%lld", i ? "," : "", (long long)shape[i]);
  printf("]");
}

/* A line "output NAME: v0 v1 ..." (print_values) for each of the model's
 * outputs. */
DUMP_UNUSED
static void print_outputs(const onnxc_model_desc *desc,
                          const onnxc_tensor *outputs) {
  for (int i = 0; i < desc->num_outputs; ++i) {
    const onnxc_tensor_desc *d = &desc->outputs[i];
    printf("output %s:", d->name);
    print_values(outputs[i].data, d->dtype, dump_elements(d->rank, d->shape));
  }
}

/* Writes each of the model's outputs to DIR (dump_tensor), after the inputs
 * new_inputs() wrote there. */
DUMP_UNUSED
static void dump_outputs(const char *dir, const onnxc_model_desc *desc,
                         const onnxc_tensor *outputs) {
  for (int i = 0; i < desc->num_outputs; ++i) {
    const onnxc_tensor_desc *d = &desc->outputs[i];
    dump_tensor(dir, "output", i, d->name, d->dtype, d->rank, d->shape,
                outputs[i].data);
  }
}

#endif /* RUNTIME_TEST_DLOPEN_API_H */
