/* Two models compiled into shared libraries, loaded into one process: the
 * first with RTLD_GLOBAL (as a program that links it, or Python's
 * ctypes.CDLL(mode=RTLD_GLOBAL), does), the second with RTLD_LOCAL. Each is
 * run through its own onnxc_get_model() and the generic API, and each
 * one's inputs and outputs are written for compare_ort.py.
 *
 *   two_dlopen FIRST.so DIR1 SECOND.so DIR2
 *
 * A model's code must not bind to the other model's symbols. */
#define _POSIX_C_SOURCE 200809L

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

static void *look_up(void *handle, const char *symbol) {
  void *address = dlsym(handle, symbol);
  if (!address) {
    printf("FAIL: no %s\n", symbol);
    exit(1);
  }
  return address;
}

static int run_model(const char *path, int flags, const char *dir) {
  void *handle = dlopen(path, RTLD_NOW | flags);
  if (!handle) {
    printf("FAIL: dlopen: %s\n", dlerror());
    return 1;
  }
  get_model_fn get_model;
  session_create_fn session_create;
  run_fn run;
  last_error_fn last_error;
  void *p;
  p = look_up(handle, "onnxc_get_model"); memcpy(&get_model, &p, sizeof(p));
  p = look_up(handle, "onnxc_session_create"); memcpy(&session_create, &p, sizeof(p));
  p = look_up(handle, "onnxc_run"); memcpy(&run, &p, sizeof(p));
  p = look_up(handle, "onnxc_last_error"); memcpy(&last_error, &p, sizeof(p));

  const onnxc_model_desc *desc = get_model();
  onnxc_tensor in[16], out[16];
  if (desc->num_inputs > 16 || desc->num_outputs > 16)
    return 1;
  dump_begin(dir);
  for (int i = 0; i < desc->num_inputs; ++i) {
    const onnxc_tensor_desc *d = &desc->inputs[i];
    int64_t n = dump_elements(d->rank, d->shape);
    in[i] = (onnxc_tensor){calloc((size_t)n + 1, dump_dtype_size(d->dtype)),
                           d->dtype, d->rank, d->shape};
    fill_input(in[i].data, d->dtype, n, i);
    dump_tensor(dir, "input", i, d->name, d->dtype, d->rank, d->shape,
                in[i].data);
  }
  for (int i = 0; i < desc->num_outputs; ++i) {
    const onnxc_tensor_desc *d = &desc->outputs[i];
    out[i] = (onnxc_tensor){
        calloc((size_t)dump_elements(d->rank, d->shape) + 1,
               dump_dtype_size(d->dtype)),
        d->dtype, d->rank, d->shape};
  }
  onnxc_session *session = NULL;
  onnxc_status s = session_create(desc, NULL, &session);
  if (s == ONNXC_OK)
    s = run(session, in, (size_t)desc->num_inputs, out,
            (size_t)desc->num_outputs);
  printf("%s (%s): %d \"%s\"\n", desc->name,
         flags == RTLD_GLOBAL ? "RTLD_GLOBAL" : "RTLD_LOCAL", (int)s,
         last_error());
  for (int i = 0; i < desc->num_outputs; ++i) {
    const onnxc_tensor_desc *d = &desc->outputs[i];
    dump_tensor(dir, "output", i, d->name, d->dtype, d->rank, d->shape,
                out[i].data);
  }
  return s != ONNXC_OK;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: two_dlopen FIRST.so DIR1 SECOND.so DIR2\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IONBF, 0); /* lines out before a crash */
  int failures = run_model(argv[1], RTLD_GLOBAL, argv[2]);
  failures += run_model(argv[3], RTLD_LOCAL, argv[4]);
  printf("%s\n", failures ? "FAILED" : "done");
  return failures ? 1 : 0;
}
