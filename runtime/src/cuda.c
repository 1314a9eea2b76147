/*===- cuda.c - Sessions of models compiled with --target=cuda ------------===*
 *
 * The CUDA driver is loaded with dlopen("libcuda.so.1") on first use: a
 * model library needs no CUDA toolkit library, and one without a GPU to run
 * on fails with ONNXC_ERROR_DEVICE instead of failing to load. The driver
 * API's types and entry points are declared here (they are stable C ABI;
 * cuda.h is not needed to build the runtime).
 *
 * The compiled host code calls MLIR's CUDA wrapper functions (mgpu*, see
 * mlir/lib/ExecutionEngine/CudaRuntimeWrappers.cpp), renamed onnxc_cuda_*
 * by onnx-compile: they are served here on the running session's context
 * and stream.
 *
 *===----------------------------------------------------------------------===*/

#include "internal.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*===----------------------------------------------------------------------===*
 * The driver API, loaded at run time
 *===----------------------------------------------------------------------===*/

typedef int CUresult; /* CUDA_SUCCESS = 0 */
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef struct CUgraph_st *CUgraph;
typedef struct CUgraphExec_st *CUgraphExec;

enum {
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
  CU_STREAM_NON_BLOCKING = 1,
  CU_JIT_ERROR_LOG_BUFFER = 5,
  CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6,
  CU_STREAM_CAPTURE_MODE_RELAXED = 2
};

static struct {
  CUresult (*Init)(unsigned);
  CUresult (*DriverGetVersion)(int *);
  CUresult (*DeviceGetCount)(int *);
  CUresult (*DeviceGet)(CUdevice *, int);
  CUresult (*DeviceGetName)(char *, int, CUdevice);
  CUresult (*DeviceGetAttribute)(int *, int, CUdevice);
  CUresult (*DevicePrimaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*DevicePrimaryCtxRelease)(CUdevice);
  CUresult (*CtxPushCurrent)(CUcontext);
  CUresult (*CtxPopCurrent)(CUcontext *);
  CUresult (*StreamCreate)(CUstream *, unsigned);
  CUresult (*StreamDestroy)(CUstream);
  CUresult (*StreamSynchronize)(CUstream);
  CUresult (*MemAlloc)(CUdeviceptr *, size_t);
  CUresult (*MemFree)(CUdeviceptr);
  CUresult (*MemcpyHtoDAsync)(CUdeviceptr, const void *, size_t, CUstream);
  CUresult (*MemcpyDtoHAsync)(void *, CUdeviceptr, size_t, CUstream);
  CUresult (*ModuleLoadDataEx)(CUmodule *, const void *, unsigned, int *,
                               void **);
  CUresult (*ModuleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*LaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                           unsigned, unsigned, unsigned, CUstream, void **,
                           void **);
  CUresult (*GetErrorName)(CUresult, const char **);
  CUresult (*GetErrorString)(CUresult, const char **);
  /* CUDA graphs (driver 11.4 and newer); NULL when the driver has none. */
  CUresult (*StreamBeginCapture)(CUstream, int);
  CUresult (*StreamEndCapture)(CUstream, CUgraph *);
  CUresult (*GraphInstantiateWithFlags)(CUgraphExec *, CUgraph,
                                        unsigned long long);
  CUresult (*GraphLaunch)(CUgraphExec, CUstream);
  CUresult (*GraphExecDestroy)(CUgraphExec);
  CUresult (*GraphDestroy)(CUgraph);
} cu;

static pthread_once_t driver_once = PTHREAD_ONCE_INIT;
static char driver_error[512]; /* empty once the driver is usable */
static int driver_version;    /* 12040 for CUDA 12.4 */

/* The driver's own names, for a driver that cannot name its errors (the
 * toolkit's stub library, one that failed to initialize). */
static const char *known_error(CUresult result) {
  switch (result) {
  case 2: return "CUDA_ERROR_OUT_OF_MEMORY";
  case 3: return "CUDA_ERROR_NOT_INITIALIZED";
  case 34: return "CUDA_ERROR_STUB_LIBRARY: libcuda.so.1 is the CUDA "
                  "toolkit's stub, not the NVIDIA driver's library";
  case 35: return "CUDA_ERROR_INSUFFICIENT_DRIVER: the driver is older than "
                  "the CUDA runtime version it needs";
  case 100: return "CUDA_ERROR_NO_DEVICE: no CUDA-capable device";
  case 209: return "CUDA_ERROR_NO_BINARY_FOR_GPU";
  case 218: return "CUDA_ERROR_INVALID_PTX";
  case 222: return "CUDA_ERROR_UNSUPPORTED_PTX_VERSION: the driver is too "
                   "old for the model's PTX; update the NVIDIA driver";
  case 700: return "CUDA_ERROR_ILLEGAL_ADDRESS";
  case 701: return "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES";
  case 719: return "CUDA_ERROR_LAUNCH_FAILED";
  default: return NULL;
  }
}

static const char *error_name(CUresult result) {
  const char *name = NULL, *text = NULL;
  static _Thread_local char buffer[256];
  if (cu.GetErrorName && cu.GetErrorName(result, &name) != 0)
    name = NULL;
  if (cu.GetErrorString && cu.GetErrorString(result, &text) != 0)
    text = NULL;
  if (!name)
    name = known_error(result);
  snprintf(buffer, sizeof buffer, "%s (%d%s%s)", name ? name : "CUDA error",
           result, text ? ": " : "", text ? text : "");
  return buffer;
}

static void load_driver(void) {
  void *library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *why = dlerror();
    snprintf(driver_error, sizeof driver_error,
             "cannot load the CUDA driver libcuda.so.1 (%s): a model compiled "
             "with --target=cuda needs an NVIDIA GPU and its driver",
             why ? why : "not found");
    return;
  }
  struct {
    void **slot;
    const char *name;
  } symbols[] = {
      {(void **)&cu.Init, "cuInit"},
      {(void **)&cu.DriverGetVersion, "cuDriverGetVersion"},
      {(void **)&cu.DeviceGetCount, "cuDeviceGetCount"},
      {(void **)&cu.DeviceGet, "cuDeviceGet"},
      {(void **)&cu.DeviceGetName, "cuDeviceGetName"},
      {(void **)&cu.DeviceGetAttribute, "cuDeviceGetAttribute"},
      {(void **)&cu.DevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain"},
      {(void **)&cu.DevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2"},
      {(void **)&cu.CtxPushCurrent, "cuCtxPushCurrent_v2"},
      {(void **)&cu.CtxPopCurrent, "cuCtxPopCurrent_v2"},
      {(void **)&cu.StreamCreate, "cuStreamCreate"},
      {(void **)&cu.StreamDestroy, "cuStreamDestroy_v2"},
      {(void **)&cu.StreamSynchronize, "cuStreamSynchronize"},
      {(void **)&cu.MemAlloc, "cuMemAlloc_v2"},
      {(void **)&cu.MemFree, "cuMemFree_v2"},
      {(void **)&cu.MemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2"},
      {(void **)&cu.MemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2"},
      {(void **)&cu.ModuleLoadDataEx, "cuModuleLoadDataEx"},
      {(void **)&cu.ModuleGetFunction, "cuModuleGetFunction"},
      {(void **)&cu.LaunchKernel, "cuLaunchKernel"},
      {(void **)&cu.GetErrorName, "cuGetErrorName"},
      {(void **)&cu.GetErrorString, "cuGetErrorString"},
  };
  for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; ++i) {
    if (!(*symbols[i].slot = dlsym(library, symbols[i].name))) {
      snprintf(driver_error, sizeof driver_error,
               "the CUDA driver libcuda.so.1 has no %s: it is too old for "
               "this runtime; update the NVIDIA driver",
               symbols[i].name);
      return;
    }
  }
  /* Optional: without them every run launches its kernels one by one. */
  cu.StreamBeginCapture = dlsym(library, "cuStreamBeginCapture_v2");
  cu.StreamEndCapture = dlsym(library, "cuStreamEndCapture");
  cu.GraphInstantiateWithFlags = dlsym(library, "cuGraphInstantiateWithFlags");
  cu.GraphLaunch = dlsym(library, "cuGraphLaunch");
  cu.GraphExecDestroy = dlsym(library, "cuGraphExecDestroy");
  cu.GraphDestroy = dlsym(library, "cuGraphDestroy");
  CUresult result = cu.Init(0);
  if (result != 0) {
    snprintf(driver_error, sizeof driver_error,
             "the CUDA driver failed to initialize: cuInit: %s",
             error_name(result));
    return;
  }
  cu.DriverGetVersion(&driver_version);
}

/* ONNXC_OK once the driver is loaded and initialized (in this process). */
static onnxc_status driver_ready(void) {
  pthread_once(&driver_once, load_driver);
  if (driver_error[0])
    return onnxc_runtime_error(ONNXC_ERROR_DEVICE, "%s", driver_error);
  return ONNXC_OK;
}

ONNXC_API onnxc_status onnxc_cuda_device_count(int *count) {
  if (!count)
    return onnxc_runtime_error(ONNXC_ERROR_INVALID_ARGUMENT,
                               "count pointer is NULL");
  *count = 0;
  onnxc_status status = driver_ready();
  if (status != ONNXC_OK)
    return status;
  CUresult result = cu.DeviceGetCount(count);
  if (result != 0)
    return onnxc_runtime_error(ONNXC_ERROR_DEVICE, "cuDeviceGetCount: %s",
                               error_name(result));
  return ONNXC_OK;
}

/*===----------------------------------------------------------------------===*
 * The kernels' PTX, registered by the model's constructors
 *===----------------------------------------------------------------------===*/

#define ONNXC_MAX_DEVICES 16

/* The PTX image of a loaded model (one gpu.module holding all its
 * kernels). Its CUmodule is loaded per device when a session is created
 * (written under images_lock, read without: __atomic). */
/* A cubin of the kernels, for GPUs of compute capability sm / 10 . x
 * with x >= sm % 10 (the table ModelABI.cpp emits). */
typedef struct onnxc_cuda_cubin {
  int32_t sm;
  uint64_t bytes;
  const void *data;
} onnxc_cuda_cubin;

typedef struct onnxc_cuda_image {
  const char *ptx;
  const onnxc_cuda_cubin *cubins;
  int32_t num_cubins;
  CUmodule modules[ONNXC_MAX_DEVICES];
  struct onnxc_cuda_image *next;
} onnxc_cuda_image;

static pthread_mutex_t images_lock = PTHREAD_MUTEX_INITIALIZER;
static onnxc_cuda_image *images;

/* mgpuModuleLoadJIT(data, optLevel): called by the model's constructor,
 * before any session; only records the image. */
ONNXC_INTERNAL void *onnxc_cuda_ModuleLoadJIT(void *data, int opt_level) {
  (void)opt_level;
  onnxc_cuda_image *image = calloc(1, sizeof *image);
  if (!image)
    return NULL; /* reported at the first launch of its kernel */
  image->ptx = data;
  pthread_mutex_lock(&images_lock);
  image->next = images;
  images = image;
  pthread_mutex_unlock(&images_lock);
  return image;
}

/* The same, with cubins for some architectures (onnx-compile with ptxas). */
ONNXC_INTERNAL void *onnxc_cuda_ModuleLoadImages(void *ptx,
                                                 const onnxc_cuda_cubin *cubins,
                                                 int32_t count) {
  onnxc_cuda_image *image = onnxc_cuda_ModuleLoadJIT(ptx, 0);
  if (image) {
    image->cubins = cubins;
    image->num_cubins = count;
  }
  return image;
}

/* mgpuModuleUnload: called by the model's destructor (dlclose or exit).
 * The CUmodules stay with their contexts: at exit the driver may already
 * be gone. */
ONNXC_INTERNAL void onnxc_cuda_ModuleUnload(void *module) {
  pthread_mutex_lock(&images_lock);
  for (onnxc_cuda_image **link = &images; *link; link = &(*link)->next) {
    if (*link == module) {
      *link = ((onnxc_cuda_image *)module)->next;
      break;
    }
  }
  pthread_mutex_unlock(&images_lock);
  free(module);
}

/* The PTX's `.version X.Y` and `.target sm_NN` lines. */
static void ptx_header(const char *ptx, char *version, size_t version_size,
                       int *sm) {
  const char *v = strstr(ptx, ".version ");
  const char *t = strstr(ptx, ".target sm_");
  snprintf(version, version_size, "?");
  *sm = 0;
  if (v) {
    size_t n = strcspn(v + 9, " \n\r");
    snprintf(version, version_size, "%.*s", (int)(n < 15 ? n : 15), v + 9);
  }
  if (t)
    *sm = atoi(t + 11);
}

/*===----------------------------------------------------------------------===*
 * Sessions
 *===----------------------------------------------------------------------===*/

struct onnxc_cuda_session {
  int ordinal;
  CUdevice device;
  CUcontext context;
  CUstream stream;
  int owns_stream;
  int sm; /* compute capability, 90 for sm_90 */
  CUdeviceptr workspace, weights, staging;
  /* Device addresses of the inputs' and outputs' buffers in `staging`, for
   * runs on host pointers. */
  CUdeviceptr *buffers;
  void **args;
  /* Runs replay a CUDA graph of the model's launches, captured on the
   * first run with these entry arguments (graph_args, the pointers of
   * `args` it was captured with); a run with other pointers (a device run
   * on other buffers) captures anew. */
  int use_graphs;
  CUgraphExec graph;
  void **graph_args;
  size_t num_args;
  /* Captures for other arguments: device runs on ever new buffers stop
   * capturing after a few (a capture costs more than it saves once). */
  int recaptures;
  /* Runs so far, and reads of device memory by the host code in them
   * (onnxc_cuda_read: a check of an input's value, a size computed from
   * tensor values): a graph would replay the launches without them, so a
   * session whose first run read anything never captures one. */
  uint64_t runs, host_reads;
  /* Device memory sized at run time (a model with dims known only at run
   * time): its inputs' and dynamic outputs' buffers and what its code
   * allocates (onnxc_cuda_memref_alloc), kept between runs for reuse. */
  struct device_block *blocks;
  size_t num_blocks, capacity;
};

typedef struct device_block {
  CUdeviceptr ptr;
  uint64_t bytes;
  int in_use;
} device_block;

/* A device block of at least `bytes` from the session's blocks (the
 * smallest free one that fits, if not over twice the size), else a new
 * one; 0 when the device has no memory left (the message set). */
static CUdeviceptr block_get(onnxc_cuda_session *s, uint64_t bytes) {
  device_block *best = NULL;
  for (size_t i = 0; i < s->num_blocks; ++i) {
    device_block *b = &s->blocks[i];
    if (!b->in_use && b->bytes >= bytes && b->bytes <= 2 * bytes + 256 &&
        (!best || b->bytes < best->bytes))
      best = b;
  }
  if (best) {
    best->in_use = 1;
    return best->ptr;
  }
  if (s->num_blocks == s->capacity) {
    size_t capacity = s->capacity ? 2 * s->capacity : 16;
    device_block *blocks = realloc(s->blocks, capacity * sizeof *blocks);
    if (!blocks) {
      onnxc_runtime_error(ONNXC_ERROR_OUT_OF_MEMORY, "cannot allocate a block list");
      return 0;
    }
    s->blocks = blocks;
    s->capacity = capacity;
  }
  CUdeviceptr ptr = 0;
  CUresult result = cu.MemAlloc(&ptr, bytes ? bytes : 1);
  if (result != 0) {
    onnxc_runtime_error(ONNXC_ERROR_OUT_OF_MEMORY,
                        "cannot allocate %llu bytes of device memory on CUDA "
                        "device %d in a run: cuMemAlloc: %s",
                        (unsigned long long)bytes, s->ordinal,
                        error_name(result));
    return 0;
  }
  s->blocks[s->num_blocks++] = (device_block){ptr, bytes ? bytes : 1, 1};
  return ptr;
}

/* Returns a block to the session's free blocks. */
static void block_put(onnxc_cuda_session *s, CUdeviceptr ptr) {
  for (size_t i = 0; i < s->num_blocks; ++i)
    if (s->blocks[i].ptr == ptr)
      s->blocks[i].in_use = 0;
}

/* The device copies of models' weights, shared by the sessions of a model
 * on a device (the primary context's memory): one reference per session. */
typedef struct onnxc_device_weights {
  const void *data; /* desc->device_weights */
  int ordinal;
  CUdeviceptr copy;
  int references;
  struct onnxc_device_weights *next;
} onnxc_device_weights;

static pthread_mutex_t weights_lock = PTHREAD_MUTEX_INITIALIZER;
static onnxc_device_weights *device_weights;

/* The session whose run is on this thread (for the generated code). */
static _Thread_local onnxc_cuda_session *current;

static onnxc_status device_error(const char *call, CUresult result) {
  return onnxc_runtime_error(ONNXC_ERROR_DEVICE, "%s: %s", call,
                             error_name(result));
}

/* Loads `image` on the session's device (its context current). */
static onnxc_status load_image(onnxc_cuda_session *s, onnxc_cuda_image *image) {
  if (__atomic_load_n(&image->modules[s->ordinal], __ATOMIC_ACQUIRE))
    return ONNXC_OK;
  char log[4096] = "";
  int options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {log, (void *)(uintptr_t)sizeof log};
  /* A cubin of the device's major version and the newest minor one not
   * past it: no JIT. Else the PTX, which the driver compiles. */
  const onnxc_cuda_cubin *cubin = NULL;
  for (int32_t i = 0; i < image->num_cubins; ++i) {
    const onnxc_cuda_cubin *c = &image->cubins[i];
    if (c->sm / 10 == s->sm / 10 && c->sm <= s->sm &&
        (!cubin || c->sm > cubin->sm))
      cubin = c;
  }
  CUmodule module = NULL;
  CUresult result = 1;
  /* A cubin the driver refuses (made by a ptxas newer than the driver)
   * leaves the PTX, which it may still compile. */
  if (cubin)
    result = cu.ModuleLoadDataEx(&module, cubin->data, 2, options, values);
  if (result != 0) {
    log[0] = '\0';
    result = cu.ModuleLoadDataEx(&module, image->ptx, 2, options, values);
  }
  if (result == 0) {
    __atomic_store_n(&image->modules[s->ordinal], module, __ATOMIC_RELEASE);
    return ONNXC_OK;
  }
  char version[16];
  int sm;
  ptx_header(image->ptx, version, sizeof version, &sm);
  return onnxc_runtime_error(
      ONNXC_ERROR_DEVICE,
      "cannot load the model's kernels (PTX ISA %s for sm_%d) on CUDA device "
      "%d (sm_%d, driver %d.%d): cuModuleLoadDataEx: %s%s%s",
      version, sm, s->ordinal, s->sm, driver_version / 1000,
      driver_version % 1000 / 10, error_name(result),
      log[0] ? "; JIT log: " : "", log);
}

static onnxc_status device_alloc(onnxc_cuda_session *s, CUdeviceptr *ptr,
                                 uint64_t bytes, const char *what);

/* The device copy of `desc`'s weights on the session's device (its context
 * current): shared with the model's other sessions there, copied by the
 * first. */
static onnxc_status acquire_weights(onnxc_cuda_session *s,
                                    const onnxc_model_desc *desc) {
  onnxc_status status = ONNXC_OK;
  pthread_mutex_lock(&weights_lock);
  onnxc_device_weights *w = device_weights;
  while (w && !(w->data == desc->device_weights && w->ordinal == s->ordinal))
    w = w->next;
  if (w) {
    ++w->references;
    s->weights = w->copy;
  } else if (!(w = calloc(1, sizeof *w))) {
    status = onnxc_runtime_error(ONNXC_ERROR_OUT_OF_MEMORY,
                                 "cannot allocate a session");
  } else if ((status = device_alloc(s, &w->copy, desc->device_weights_bytes,
                                    "the weights")) != ONNXC_OK) {
    free(w);
  } else {
    CUresult result;
    if ((result = cu.MemcpyHtoDAsync(w->copy, desc->device_weights,
                                     desc->device_weights_bytes,
                                     s->stream)) != 0 ||
        (result = cu.StreamSynchronize(s->stream)) != 0) {
      status = device_error("copying the weights to the device", result);
      cu.MemFree(w->copy);
      free(w);
    } else {
      *w = (onnxc_device_weights){desc->device_weights, s->ordinal, w->copy,
                                  1, device_weights};
      device_weights = w;
      s->weights = w->copy;
    }
  }
  pthread_mutex_unlock(&weights_lock);
  return status;
}

/* Drops the session's reference to its weights; the last frees them. */
static void release_weights(onnxc_cuda_session *s) {
  pthread_mutex_lock(&weights_lock);
  for (onnxc_device_weights **link = &device_weights; *link;
       link = &(*link)->next) {
    onnxc_device_weights *w = *link;
    if (w->copy != s->weights || w->ordinal != s->ordinal)
      continue;
    if (--w->references == 0) {
      cu.MemFree(w->copy);
      *link = w->next;
      free(w);
    }
    break;
  }
  pthread_mutex_unlock(&weights_lock);
  s->weights = 0;
}

static void free_cuda_session(onnxc_cuda_session *s) {
  if (!s)
    return;
  if (s->context) {
    cu.CtxPushCurrent(s->context);
    if (s->stream)
      cu.StreamSynchronize(s->stream);
    if (s->graph)
      cu.GraphExecDestroy(s->graph);
    if (s->workspace)
      cu.MemFree(s->workspace);
    if (s->weights)
      release_weights(s);
    if (s->staging)
      cu.MemFree(s->staging);
    for (size_t i = 0; i < s->num_blocks; ++i)
      cu.MemFree(s->blocks[i].ptr);
    if (s->owns_stream && s->stream)
      cu.StreamDestroy(s->stream);
    CUcontext popped;
    cu.CtxPopCurrent(&popped);
    cu.DevicePrimaryCtxRelease(s->device);
  }
  free(s->buffers);
  free(s->args);
  free(s->graph_args);
  free(s->blocks);
  free(s);
}

ONNXC_INTERNAL void onnxc_cuda_session_destroy_(onnxc_cuda_session *s) {
  free_cuda_session(s);
}

static uint64_t align256(uint64_t bytes) { return (bytes + 255) & ~255ull; }

/* The bytes of a tensor of this descriptor; 0 when a dim is known only at
 * run time. */
static uint64_t tensor_desc_bytes(const onnxc_tensor_desc *d) {
  int64_t elements = onnxc_tensor_desc_elements(d);
  return elements < 0 ? 0 : (uint64_t)elements * onnxc_dtype_size(d->dtype);
}

/* Whether a dim of the tensor is known only at run time. */
static int is_dynamic_desc(const onnxc_tensor_desc *d) {
  for (int32_t k = 0; k < d->rank; ++k)
    if (d->shape[k] < 0)
      return 1;
  return 0;
}

/* The bytes of a tensor of `rank` dims `shape` and type `dtype`. */
static uint64_t shape_bytes(int32_t rank, const int64_t *shape, int32_t dtype) {
  uint64_t n = onnxc_dtype_size(dtype);
  for (int32_t k = 0; k < rank; ++k)
    n *= (uint64_t)shape[k];
  return n;
}

/* Allocates `bytes` (at least 1) of device memory, naming `what`. */
static onnxc_status device_alloc(onnxc_cuda_session *s, CUdeviceptr *ptr,
                                 uint64_t bytes, const char *what) {
  CUresult result = cu.MemAlloc(ptr, bytes ? bytes : 1);
  if (result == 0)
    return ONNXC_OK;
  *ptr = 0;
  return onnxc_runtime_error(
      ONNXC_ERROR_DEVICE,
      "cannot allocate %llu bytes of device memory on CUDA device %d for %s: "
      "cuMemAlloc: %s",
      (unsigned long long)bytes, s->ordinal, what, error_name(result));
}

static onnxc_status create_on_device(onnxc_cuda_session *s,
                                     const onnxc_model_desc *desc,
                                     void *stream) {
  CUresult result;
  int count = 0;
  if ((result = cu.DeviceGetCount(&count)) != 0)
    return device_error("cuDeviceGetCount", result);
  if (s->ordinal < 0 || s->ordinal >= count)
    return onnxc_runtime_error(
        ONNXC_ERROR_DEVICE, "there is no CUDA device %d: the driver sees %d",
        s->ordinal, count);
  if (s->ordinal >= ONNXC_MAX_DEVICES)
    return onnxc_runtime_error(ONNXC_ERROR_DEVICE,
                               "CUDA device %d: this runtime serves devices "
                               "0 to %d",
                               s->ordinal, ONNXC_MAX_DEVICES - 1);
  if ((result = cu.DeviceGet(&s->device, s->ordinal)) != 0)
    return device_error("cuDeviceGet", result);
  int major = 0, minor = 0;
  cu.DeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                        s->device);
  cu.DeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                        s->device);
  s->sm = major * 10 + minor;
  if ((result = cu.DevicePrimaryCtxRetain(&s->context, s->device)) != 0) {
    s->context = NULL;
    return device_error("cuDevicePrimaryCtxRetain", result);
  }
  /* One more reference for the process's lifetime: the last release
   * would reset the context and unload the kernels, which the images
   * keep loaded for later sessions. */
  static int kept[ONNXC_MAX_DEVICES];
  if (s->ordinal < ONNXC_MAX_DEVICES &&
      !__atomic_exchange_n(&kept[s->ordinal], 1, __ATOMIC_ACQ_REL)) {
    CUcontext context;
    cu.DevicePrimaryCtxRetain(&context, s->device);
  }
  if ((result = cu.CtxPushCurrent(s->context)) != 0)
    return device_error("cuCtxPushCurrent", result);
  onnxc_status status = ONNXC_OK;
  if (stream) {
    s->stream = stream;
  } else if ((result = cu.StreamCreate(&s->stream, CU_STREAM_NON_BLOCKING))) {
    status = device_error("cuStreamCreate", result);
  } else {
    s->owns_stream = 1;
  }

  /* The model's kernels now (those of every model registered, for a
   * descriptor that does not say which are its own), so that a driver too
   * old for the PTX or a device older than its target fails here and not
   * in a run. */
  const onnxc_cuda_image *own =
      desc->device_kernels ? *desc->device_kernels : NULL;
  pthread_mutex_lock(&images_lock);
  for (onnxc_cuda_image *image = images; image && status == ONNXC_OK;
       image = image->next) {
    if (own && image != own)
      continue;
    char version[16];
    int sm;
    ptx_header(image->ptx, version, sizeof version, &sm);
    if (sm > s->sm) {
      char name[128] = "?";
      cu.DeviceGetName(name, sizeof name, s->device);
      status = onnxc_runtime_error(
          ONNXC_ERROR_DEVICE,
          "CUDA device %d (%s) is sm_%d; the model was compiled for sm_%d "
          "(--gpu-arch): compile it for this GPU",
          s->ordinal, name, s->sm, sm);
      break;
    }
    status = load_image(s, image);
  }
  pthread_mutex_unlock(&images_lock);

  size_t ni = (size_t)desc->num_inputs, no = (size_t)desc->num_outputs;
  uint64_t staging = 0;
  if (status == ONNXC_OK) {
    for (size_t i = 0; i < ni + no; ++i)
      staging += align256(tensor_desc_bytes(
          i < ni ? &desc->inputs[i] : &desc->outputs[i - ni]));
    /* (tensor_desc_bytes is 0 for a tensor with a dim known at run time:
     * its buffer comes from the session's blocks in each run.) */
    status = device_alloc(s, &s->workspace, desc->workspace_bytes,
                          "the workspace");
  }
  if (status == ONNXC_OK)
    status = device_alloc(s, &s->staging, staging,
                          "the inputs and outputs of host-pointer runs");
  if (status == ONNXC_OK && desc->device_weights_bytes)
    status = acquire_weights(s, desc);
  if (status == ONNXC_OK) {
    CUdeviceptr at = s->staging;
    for (size_t i = 0; i < ni + no; ++i) {
      s->buffers[i] = at;
      at += align256(tensor_desc_bytes(i < ni ? &desc->inputs[i]
                                              : &desc->outputs[i - ni]));
    }
  }
  CUcontext popped;
  cu.CtxPopCurrent(&popped);
  return status;
}

ONNXC_INTERNAL onnxc_status onnxc_cuda_session_create_(
    const onnxc_model_desc *desc, int ordinal, void *stream,
    onnxc_cuda_session **session) {
  *session = NULL;
  onnxc_status status = driver_ready();
  if (status != ONNXC_OK)
    return status;
  size_t ni = (size_t)desc->num_inputs, no = (size_t)desc->num_outputs;
  onnxc_cuda_session *s = calloc(1, sizeof *s);
  if (!s || !(s->buffers = calloc(ni + no + 1, sizeof(CUdeviceptr))) ||
      !(s->args = calloc(2 * ni + no + 2, sizeof(void *))) ||
      !(s->graph_args = calloc(2 * ni + no + 2, sizeof(void *)))) {
    free_cuda_session(s);
    return onnxc_runtime_error(ONNXC_ERROR_OUT_OF_MEMORY,
                               "cannot allocate a session");
  }
  s->ordinal = ordinal;
  s->num_args = 2 * ni + no + 2;
  const char *graphs = getenv("ONNXC_CUDA_GRAPHS");
  /* A model with dims known at run time allocates device memory in its
   * runs, which a graph cannot replay. */
  int dynamic = 0;
  for (size_t i = 0; i < ni + no; ++i)
    dynamic |= is_dynamic_desc(i < ni ? &desc->inputs[i]
                                      : &desc->outputs[i - ni]);
  s->use_graphs = !dynamic && cu.StreamBeginCapture && cu.StreamEndCapture &&
                  cu.GraphInstantiateWithFlags && cu.GraphLaunch &&
                  cu.GraphExecDestroy && cu.GraphDestroy &&
                  !(graphs && strcmp(graphs, "0") == 0);
  if ((status = create_on_device(s, desc, stream)) != ONNXC_OK) {
    free_cuda_session(s);
    return status;
  }
  *session = s;
  return ONNXC_OK;
}

static const int64_t no_dims[1] = {0};

/* Calls the model's host code, which queues its kernels on the session's
 * stream. */
static onnxc_status call_entry(onnxc_cuda_session *s,
                               const onnxc_model_desc *desc, void **args) {
  onnxc_cuda_session *previous = current;
  current = s;
  onnxc_run_context run;
  onnxc_status status = onnxc_run_entry_(&run, NULL, desc->entry, args);
  onnxc_run_release_(&run);
  current = previous;
  return status;
}

/* Queues the model's kernels: by replaying the session's CUDA graph when
 * it was captured with the same arguments, else by capturing one (and
 * replaying it), else (no graphs: an old driver, ONNXC_CUDA_GRAPHS=0, or
 * a capture the driver refused) one launch at a time. */
static onnxc_status launch(onnxc_cuda_session *s, const onnxc_model_desc *desc,
                           void **args) {
  CUresult result;
  size_t bytes = s->num_args * sizeof(void *);
  if (s->use_graphs && s->runs++ == 0) {
    /* The first run launches directly and shows whether the host code
     * reads device memory. */
    onnxc_status status = call_entry(s, desc, args);
    if (s->host_reads)
      s->use_graphs = 0;
    return status;
  }
  if (!s->use_graphs)
    return call_entry(s, desc, args);
  if (s->graph && memcmp(s->graph_args, args, bytes) == 0) {
    if ((result = cu.GraphLaunch(s->graph, s->stream)) != 0)
      return device_error("cuGraphLaunch", result);
    return ONNXC_OK;
  }
  if (s->graph) {
    cu.GraphExecDestroy(s->graph);
    s->graph = NULL;
    if (++s->recaptures > 2) {
      s->use_graphs = 0;
      return call_entry(s, desc, args);
    }
  }
  if (cu.StreamBeginCapture(s->stream, CU_STREAM_CAPTURE_MODE_RELAXED) != 0) {
    s->use_graphs = 0;
    return call_entry(s, desc, args);
  }
  onnxc_status status = call_entry(s, desc, args);
  CUgraph graph = NULL;
  result = cu.StreamEndCapture(s->stream, &graph);
  if (status != ONNXC_OK) {
    if (graph)
      cu.GraphDestroy(graph);
    return status;
  }
  if (result != 0 || !graph ||
      cu.GraphInstantiateWithFlags(&s->graph, graph, 0) != 0) {
    /* Capture is an optimization: launch the kernels directly. */
    if (graph)
      cu.GraphDestroy(graph);
    s->graph = NULL;
    s->use_graphs = 0;
    return call_entry(s, desc, args);
  }
  cu.GraphDestroy(graph);
  memcpy(s->graph_args, args, bytes);
  if ((result = cu.GraphLaunch(s->graph, s->stream)) != 0)
    return device_error("cuGraphLaunch", result);
  return ONNXC_OK;
}

ONNXC_INTERNAL onnxc_status onnxc_cuda_run_(onnxc_cuda_session *s,
                                            const onnxc_model_desc *desc,
                                            const onnxc_tensor *inputs,
                                            void *const *outputs,
                                            int on_device) {
  size_t ni = (size_t)desc->num_inputs, no = (size_t)desc->num_outputs;
  CUresult result;
  if ((result = cu.CtxPushCurrent(s->context)) != 0)
    return device_error("cuCtxPushCurrent", result);
  onnxc_status status = ONNXC_OK;
  void **args = s->args;
  for (size_t i = 0; i < ni && status == ONNXC_OK; ++i) {
    const onnxc_tensor_desc *d = &desc->inputs[i];
    if (on_device) {
      args[i] = inputs[i].data;
      continue;
    }
    CUdeviceptr buffer = s->buffers[i];
    uint64_t bytes = tensor_desc_bytes(d);
    if (is_dynamic_desc(d)) {
      bytes = shape_bytes(inputs[i].rank, inputs[i].shape, d->dtype);
      if (!(buffer = block_get(s, bytes))) {
        status = ONNXC_ERROR_OUT_OF_MEMORY;
        break;
      }
    }
    args[i] = (void *)(uintptr_t)buffer;
    if (bytes && (result = cu.MemcpyHtoDAsync(buffer, inputs[i].data, bytes,
                                              s->stream)) != 0)
      status = device_error("copying an input to the device", result);
  }
  /* A static output: the caller's device buffer, or the session's. One
   * with a dim known at run time: its record, which the code fills with a
   * block it allocates (onnxc_cuda_memref_alloc) and the output's dims. */
  for (size_t i = 0; i < no; ++i)
    args[ni + i] = on_device || is_dynamic_desc(&desc->outputs[i])
                       ? outputs[i]
                       : (void *)(uintptr_t)s->buffers[ni + i];
  args[ni + no] = (void *)(uintptr_t)s->workspace;
  for (size_t i = 0; i < ni; ++i)
    args[ni + no + 1 + i] =
        (void *)(uintptr_t)(inputs[i].rank > 0 ? inputs[i].shape : no_dims);
  args[2 * ni + no + 1] = (void *)(uintptr_t)s->weights;

  if (status == ONNXC_OK)
    status = launch(s, desc, args);
  for (size_t i = 0; i < no && status == ONNXC_OK && !on_device; ++i) {
    const onnxc_tensor_desc *d = &desc->outputs[i];
    if (!is_dynamic_desc(d)) {
      uint64_t bytes = tensor_desc_bytes(d);
      if (bytes && (result = cu.MemcpyDtoHAsync(outputs[i], s->buffers[ni + i],
                                                bytes, s->stream)) != 0)
        status = device_error("copying an output from the device", result);
      continue;
    }
    /* Into a host block for run_session(), which checks the record,
     * copies the data into the caller's buffer or hands the block over. */
    int64_t *record = outputs[i];
    for (int32_t k = 0; k < d->rank; ++k)
      if (record[1 + k] < 0)
        status = onnxc_runtime_error(ONNXC_ERROR_SHAPE_MISMATCH,
                                     "output '%s': the run gave it no shape",
                                     d->name);
    if (status != ONNXC_OK)
      break;
    uint64_t bytes = shape_bytes(d->rank, record + 1, d->dtype);
    void *host = onnxc_alloc_(bytes);
    if (!host) {
      status = onnxc_runtime_error(ONNXC_ERROR_OUT_OF_MEMORY,
                                   "cannot allocate %llu bytes for output '%s'",
                                   (unsigned long long)bytes, d->name);
      break;
    }
    CUdeviceptr data = (CUdeviceptr)record[0];
    record[0] = (int64_t)(intptr_t)host;
    if (bytes && (result = cu.MemcpyDtoHAsync(host, data, bytes, s->stream)) != 0)
      status = device_error("copying an output from the device", result);
  }
  /* Host-pointer runs wait for their outputs; a failed run waits so that
   * nothing of it still runs when the caller reuses its buffers. */
  if ((!on_device || status != ONNXC_OK) &&
      (result = cu.StreamSynchronize(s->stream)) != 0 && status == ONNXC_OK)
    status = device_error("the run's kernels (cuStreamSynchronize)", result);
  /* The run's blocks are free for the next run once its work is done (a
   * device run's are reused by later work on the same stream only). */
  for (size_t i = 0; i < s->num_blocks; ++i)
    s->blocks[i].in_use = 0;
  CUcontext popped;
  cu.CtxPopCurrent(&popped);
  return status;
}

/*===----------------------------------------------------------------------===*
 * What the generated code calls (MLIR's mgpu* wrappers)
 *===----------------------------------------------------------------------===*/

/* Ends the run with ONNXC_ERROR_DEVICE (cannot return: the generated code
 * has no error path). */
#if defined(__GNUC__)
__attribute__((noreturn))
#endif
static void fail_run(onnxc_status status) {
  onnxc_fail_status_(status);
}

/* The host code's read of device memory (`bytes` at `src` into `dst`),
 * after the work queued before it; plain memory when no CUDA session runs
 * (onnx-compile --gpu-mapping-on-cpu runs the same code on the CPU). */
ONNXC_INTERNAL void onnxc_cuda_read(uint64_t dst, uint64_t src,
                                    uint64_t bytes) {
  onnxc_cuda_session *s = current;
  if (!s) {
    memcpy((void *)(uintptr_t)dst, (const void *)(uintptr_t)src, bytes);
    return;
  }
  ++s->host_reads;
  CUresult result;
  if ((result = cu.MemcpyDtoHAsync((void *)(uintptr_t)dst, (CUdeviceptr)src,
                                   bytes, s->stream)) != 0 ||
      (result = cu.StreamSynchronize(s->stream)) != 0)
    fail_run(device_error("reading a value from the device for the host code",
                          result));
}

/* The generated code's allocator of device memory sized at run time
 * (MLIR's _mlir_memref_to_llvm_alloc/free, renamed by onnx-compile for a
 * --target=cuda model): the running session's blocks. */
ONNXC_INTERNAL void *onnxc_cuda_memref_alloc(uint64_t bytes) {
  onnxc_cuda_session *s = current;
  if (!s)
    fail_run(onnxc_runtime_error(ONNXC_ERROR_DEVICE,
                                 "device memory allocated outside a CUDA "
                                 "session's run"));
  CUdeviceptr ptr = block_get(s, bytes);
  if (!ptr)
    fail_run(ONNXC_ERROR_OUT_OF_MEMORY);
  return (void *)(uintptr_t)ptr;
}

ONNXC_INTERNAL void onnxc_cuda_memref_free(void *data) {
  if (current && data)
    block_put(current, (CUdeviceptr)(uintptr_t)data);
}

ONNXC_INTERNAL void *onnxc_cuda_StreamCreate(void) {
  if (!current)
    fail_run(onnxc_runtime_error(ONNXC_ERROR_DEVICE,
                                 "a kernel launch outside a CUDA session's run"));
  return current->stream;
}

/* The launches of a run are queued on the session's stream; the run waits
 * once, at its end. */
ONNXC_INTERNAL void onnxc_cuda_StreamSynchronize(void *stream) { (void)stream; }
ONNXC_INTERNAL void onnxc_cuda_StreamDestroy(void *stream) { (void)stream; }

ONNXC_INTERNAL void *onnxc_cuda_ModuleGetFunction(void *module, const char *name) {
  onnxc_cuda_image *image = module;
  onnxc_cuda_session *s = current;
  if (!s)
    fail_run(onnxc_runtime_error(ONNXC_ERROR_DEVICE,
                                 "a kernel launch outside a CUDA session's run"));
  if (!image)
    fail_run(onnxc_runtime_error(ONNXC_ERROR_OUT_OF_MEMORY,
                                 "kernel '%s' was not registered (out of "
                                 "memory when the model was loaded)",
                                 name));
  CUmodule loaded =
      __atomic_load_n(&image->modules[s->ordinal], __ATOMIC_ACQUIRE);
  if (!loaded) {
    /* A model loaded after the session was created. */
    pthread_mutex_lock(&images_lock);
    onnxc_status status = load_image(s, image);
    pthread_mutex_unlock(&images_lock);
    if (status != ONNXC_OK)
      fail_run(status);
    loaded = image->modules[s->ordinal];
  }
  /* The driver's own lookup, per launch (a hash of the name). */
  CUfunction function;
  CUresult result = cu.ModuleGetFunction(&function, loaded, name);
  if (result != 0)
    fail_run(onnxc_runtime_error(ONNXC_ERROR_DEVICE,
                                 "kernel '%s': cuModuleGetFunction: %s", name,
                                 error_name(result)));
  return function;
}

ONNXC_INTERNAL void onnxc_cuda_LaunchKernel(void *function, intptr_t grid_x,
                                       intptr_t grid_y, intptr_t grid_z,
                                       intptr_t block_x, intptr_t block_y,
                                       intptr_t block_z, int32_t shared_bytes,
                                       void *stream, void **params,
                                       void **extra, size_t num_params) {
  (void)num_params;
  /* A loop over a tensor without elements: nothing to run (the driver
   * refuses an empty grid). */
  if (grid_x <= 0 || grid_y <= 0 || grid_z <= 0)
    return;
  CUresult result = cu.LaunchKernel(
      function, (unsigned)grid_x, (unsigned)grid_y, (unsigned)grid_z,
      (unsigned)block_x, (unsigned)block_y, (unsigned)block_z,
      (unsigned)shared_bytes, stream, params, extra);
  if (result != 0)
    fail_run(onnxc_runtime_error(
        ONNXC_ERROR_DEVICE,
        "cuLaunchKernel (grid %ldx%ldx%ld, block %ldx%ldx%ld): %s",
        (long)grid_x, (long)grid_y, (long)grid_z, (long)block_x,
        (long)block_y, (long)block_z, error_name(result)));
}
