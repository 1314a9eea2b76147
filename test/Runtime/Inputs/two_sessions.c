/* Two sessions of one model, created and destroyed in turn (for the CUDA
 * runtime's shared device weights): prints a line after each step.
 * Usage: two_sessions MODEL.so */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdio.h>

#include "onnxc/runtime.h"

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  void *library = dlopen(argv[1], RTLD_NOW);
  if (!library) {
    printf("cannot load %s: %s\n", argv[1], dlerror());
    return 1;
  }
  const onnxc_model_desc *(*get_model)(void) =
      (const onnxc_model_desc *(*)(void))dlsym(library, "onnxc_get_model");
  onnxc_status (*create)(const onnxc_model_desc *, void *, onnxc_session **) =
      (onnxc_status(*)(const onnxc_model_desc *, void *, onnxc_session **))
          dlsym(library, "onnxc_session_create");
  void (*destroy)(onnxc_session *) =
      (void (*)(onnxc_session *))dlsym(library, "onnxc_session_destroy");
  const char *(*last_error)(void) =
      (const char *(*)(void))dlsym(library, "onnxc_last_error");
  if (!get_model || !create || !destroy || !last_error)
    return 1;
  onnxc_session *sessions[2] = {NULL, NULL};
  for (int i = 0; i < 2; ++i) {
    if (create(get_model(), NULL, &sessions[i]) != ONNXC_OK) {
      printf("session %d: %s\n", i + 1, last_error());
      return 1;
    }
    fflush(stderr);
    printf("session %d created\n", i + 1);
    fflush(stdout);
  }
  destroy(sessions[0]);
  destroy(sessions[1]);
  printf("both sessions destroyed\n");
  return 0;
}
