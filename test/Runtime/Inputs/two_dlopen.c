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

#include "dlopen_api.h"

#include <stdio.h>

static int run_model(const char *path, int flags, const char *dir) {
  model_api api;
  if (!open_model(path, flags, &api))
    return 1;

  const onnxc_model_desc *desc = api.get_model();
  onnxc_tensor *in = new_inputs(desc, dir);
  onnxc_tensor *out = new_tensors(desc->outputs, desc->num_outputs);
  onnxc_session *session = NULL;
  onnxc_status s = api.session_create(desc, NULL, &session);
  if (s == ONNXC_OK)
    s = api.run(session, in, (size_t)desc->num_inputs, out,
                (size_t)desc->num_outputs);
  printf("%s (%s): %d \"%s\"\n", desc->name,
         flags == RTLD_GLOBAL ? "RTLD_GLOBAL" : "RTLD_LOCAL", (int)s,
         api.last_error());
  dump_outputs(dir, desc, out);
  free_tensors(in, desc->num_inputs);
  free_tensors(out, desc->num_outputs);
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
