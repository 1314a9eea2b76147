/* A stand-in for the CUDA driver (libcuda.so.1) for the runtime's tests on
 * machines without a GPU: device memory is host memory, copies are
 * memcpy, and launches are logged to stderr, not run. FAKE_CUDA selects
 * what it does:
 *
 *   no-device  cuInit fails with CUDA_ERROR_NO_DEVICE (100)
 *   sm75       one device of compute capability 7.5 ("Fake T4")
 *   old-ptx    one sm_90 device whose JIT refuses the PTX version (222);
 *              cubins (ELF) load in every mode
 *   oom        one sm_90 device with no memory to give (2)
 *   launch     one sm_90 device whose launches fail (719)
 *   ok         one sm_90 device ("Fake H200"), everything succeeds
 *   no-graphs  as ok, but stream capture fails (the runtime then launches
 *              kernels one by one)
 *
 * Launches on a capturing stream are recorded into the graph and logged
 * when the graph is launched (" (graph)"). Built with -DFAKE_OLD_DRIVER it
 * has no cuModuleLoadDataEx and no graphs, as a driver too old for the
 * runtime.
 * Error names are not provided (cuGetErrorName fails), as a stub would.
 * Build: cc -shared -fPIC fake_libcuda.c -o DIR/libcuda.so.1 (with
 * -DFAKE_OLD_DRIVER: a driver without cuModuleLoadDataEx). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;

static const char *mode(void) {
  const char *m = getenv("FAKE_CUDA");
  return m ? m : "ok";
}
static int is(const char *m) { return strcmp(mode(), m) == 0; }

CUresult cuInit(unsigned flags) {
  (void)flags;
  return is("no-device") ? 100 : 0;
}
CUresult cuDriverGetVersion(int *v) {
  *v = 12040;
  return 0;
}
CUresult cuDeviceGetCount(int *n) {
  *n = 1;
  return 0;
}
CUresult cuDeviceGet(int *d, int ordinal) {
  *d = ordinal;
  return 0;
}
CUresult cuDeviceGetName(char *name, int len, int d) {
  (void)d;
  snprintf(name, (size_t)len, "%s", is("sm75") ? "Fake T4" : "Fake H200");
  return 0;
}
CUresult cuDeviceGetAttribute(int *value, int attribute, int d) {
  (void)d;
  *value = attribute == 75 ? (is("sm75") ? 7 : 9) : (is("sm75") ? 5 : 0);
  return 0;
}
static int context;
CUresult cuDevicePrimaryCtxRetain(void **c, int d) {
  (void)d;
  *c = &context;
  return 0;
}
CUresult cuDevicePrimaryCtxRelease_v2(int d) {
  (void)d;
  return 0;
}
CUresult cuCtxPushCurrent_v2(void *c) {
  (void)c;
  return 0;
}
CUresult cuCtxPopCurrent_v2(void **c) {
  *c = &context;
  return 0;
}
static int stream;
CUresult cuStreamCreate(void **s, unsigned flags) {
  (void)flags;
  *s = &stream;
  return 0;
}
CUresult cuStreamDestroy_v2(void *s) {
  (void)s;
  return 0;
}
CUresult cuStreamSynchronize(void *s) {
  (void)s;
  return 0;
}
CUresult cuMemAlloc_v2(unsigned long long *p, size_t bytes) {
  if (is("oom"))
    return 2;
  void *data = calloc(1, bytes);
  *p = (unsigned long long)(uintptr_t)data;
  fprintf(stderr, "fake cuda: cuMemAlloc %zu bytes\n", bytes);
  return data ? 0 : 2;
}
CUresult cuMemFree_v2(unsigned long long p) {
  free((void *)(uintptr_t)p);
  return 0;
}
CUresult cuMemcpyHtoDAsync_v2(unsigned long long dst, const void *src,
                              size_t bytes, void *s) {
  (void)s;
  memcpy((void *)(uintptr_t)dst, src, bytes);
  fprintf(stderr, "fake cuda: copy %zu bytes to the device\n", bytes);
  return 0;
}
CUresult cuMemcpyDtoHAsync_v2(void *dst, unsigned long long src, size_t bytes,
                              void *s) {
  (void)s;
  memcpy(dst, (const void *)(uintptr_t)src, bytes);
  fprintf(stderr, "fake cuda: copy %zu bytes from the device\n", bytes);
  return 0;
}
static int module;
#ifndef FAKE_OLD_DRIVER /* a driver from before the entry point */
CUresult cuModuleLoadDataEx(void **m, const void *image, unsigned n,
                            int *options, void **values) {
  (void)n;
  (void)options;
  (void)values;
  if (memcmp(image, "\177ELF", 4) == 0) {
    *m = &module;
    fprintf(stderr, "fake cuda: loaded a cubin\n");
    return 0;
  }
  if (is("old-ptx"))
    return 222;
  if (strncmp((const char *)image, "//", 2) != 0 &&
      !strstr((const char *)image, ".version"))
    return 218; /* not PTX */
  *m = &module;
  fprintf(stderr, "fake cuda: loaded a module of %zu bytes of PTX\n",
          strlen((const char *)image));
  return 0;
}
#endif
static char functions[256][64];
CUresult cuModuleGetFunction(void **f, void *m, const char *name) {
  (void)m;
  for (int i = 0; i < 256; ++i) {
    if (!functions[i][0])
      snprintf(functions[i], sizeof functions[i], "%s", name);
    if (strcmp(functions[i], name) == 0) {
      *f = functions[i];
      return 0;
    }
  }
  return 500; /* CUDA_ERROR_NOT_FOUND */
}
static int capturing;
static char graph[4096][128];
static int graph_size;
CUresult cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz, unsigned smem,
                        void *s, void **params, void **extra) {
  (void)s;
  (void)params;
  (void)extra;
  (void)smem;
  if (is("launch"))
    return 719;
  if (capturing) {
    if (graph_size < 4096)
      snprintf(graph[graph_size++], sizeof graph[0],
               "launch %s grid %ux%ux%u block %ux%ux%u", (const char *)f, gx,
               gy, gz, bx, by, bz);
    return 0;
  }
  fprintf(stderr, "fake cuda: launch %s grid %ux%ux%u block %ux%ux%u\n",
          (const char *)f, gx, gy, gz, bx, by, bz);
  return 0;
}
#ifndef FAKE_OLD_DRIVER
CUresult cuStreamBeginCapture_v2(void *s, int mode) {
  (void)s;
  (void)mode;
  if (is("no-graphs"))
    return 900; /* CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED */
  capturing = 1;
  graph_size = 0;
  fprintf(stderr, "fake cuda: capture begins\n");
  return 0;
}
static int the_graph, the_exec;
CUresult cuStreamEndCapture(void *s, void **g) {
  (void)s;
  capturing = 0;
  *g = &the_graph;
  fprintf(stderr, "fake cuda: captured %d launches\n", graph_size);
  return 0;
}
CUresult cuGraphInstantiateWithFlags(void **exec, void *g,
                                     unsigned long long flags) {
  (void)g;
  (void)flags;
  *exec = &the_exec;
  return 0;
}
CUresult cuGraphLaunch(void *exec, void *s) {
  (void)exec;
  (void)s;
  fprintf(stderr, "fake cuda: graph launch\n");
  for (int i = 0; i < graph_size; ++i)
    fprintf(stderr, "fake cuda: %s (graph)\n", graph[i]);
  return 0;
}
CUresult cuGraphExecDestroy(void *exec) {
  (void)exec;
  return 0;
}
CUresult cuGraphDestroy(void *g) {
  (void)g;
  return 0;
}
#endif
CUresult cuGetErrorName(CUresult r, const char **name) {
  (void)r;
  *name = NULL;
  return 1;
}
CUresult cuGetErrorString(CUresult r, const char **text) {
  (void)r;
  *text = NULL;
  return 1;
}
