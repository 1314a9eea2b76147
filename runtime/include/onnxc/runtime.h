/*===- onnxc/runtime.h - The C API of a compiled model --------------------===*
 *
 * Every model compiled by onnx-compile links this minimal runtime (libc,
 * libm and libpthread only). Two APIs:
 *
 *  - the generic API below, stable across models, for dlopen users and
 *    tools: describe inputs and outputs, create a session, run it with
 *    caller-owned tensors (or let the runtime allocate the outputs, for
 *    outputs sized at run time), read the error message;
 *  - the typed API of the header onnx-compile generates next to a .o/.a/.so
 *    (NAME_run(...), NAME_WORKSPACE_BYTES), built on the same descriptor.
 *
 * A shared library built by onnx-compile exports onnxc_get_model(); static
 * objects export NAME_model() only (NAME from --name), so that several
 * models link into one program.
 *
 *===----------------------------------------------------------------------===*/

#ifndef ONNXC_RUNTIME_H
#define ONNXC_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the descriptor layout below; bumped on any change to it. */
#define ONNXC_ABI_VERSION 4

/* Element types, numbered as ONNX's TensorProto.DataType. */
typedef enum onnxc_dtype {
  ONNXC_FLOAT = 1,
  ONNXC_UINT8 = 2,
  ONNXC_INT8 = 3,
  ONNXC_UINT16 = 4,
  ONNXC_INT16 = 5,
  ONNXC_INT32 = 6,
  ONNXC_INT64 = 7,
  ONNXC_BOOL = 9,
  ONNXC_FLOAT16 = 10,
  ONNXC_DOUBLE = 11,
  ONNXC_UINT32 = 12,
  ONNXC_UINT64 = 13,
  ONNXC_BFLOAT16 = 16
} onnxc_dtype;

typedef enum onnxc_status {
  ONNXC_OK = 0,
  /* A null pointer, a wrong tensor count or an unknown name. */
  ONNXC_ERROR_INVALID_ARGUMENT = 1,
  /* An input or output of the wrong rank or dimensions; inputs whose dims
   * of one name differ; an output that differs from the caller's buffer in
   * a dim known only at run time; a run-time check of the compiled code
   * that failed (onnxc_fail). */
  ONNXC_ERROR_SHAPE_MISMATCH = 2,
  /* An input or output of the wrong element type. */
  ONNXC_ERROR_TYPE_MISMATCH = 3,
  /* A session, a workspace, or memory the run allocates (outputs and
   * intermediates sized at run time). */
  ONNXC_ERROR_OUT_OF_MEMORY = 4,
  /* The model was compiled for another runtime ABI. */
  ONNXC_ERROR_ABI_MISMATCH = 5,
  /* The external weights file of a --weights=external model is missing,
   * unreadable, truncated, or not the one the model was compiled with. */
  ONNXC_ERROR_WEIGHTS = 6,
  /* A model compiled with --target=cuda: the CUDA driver (libcuda.so.1) is
   * missing or too old for the model's PTX, there is no such device or it
   * is older than the model's --gpu-arch, device memory ran out, or the
   * driver reported an error in a run (a kernel that faulted, ...); the
   * message names the driver call and its error. Also a device call on a
   * session of a CPU model. */
  ONNXC_ERROR_DEVICE = 7
} onnxc_status;

/* Where a model's kernels run (onnxc_model_desc.device). */
typedef enum onnxc_device_kind {
  ONNXC_DEVICE_CPU = 0,
  /* NVIDIA GPUs through the CUDA driver (onnx-compile --target=cuda): the
   * model's library holds PTX that the driver compiles for the GPU. */
  ONNXC_DEVICE_CUDA = 1
} onnxc_device_kind;

/* One input or output of a compiled model (compiled in, read-only). */
typedef struct onnxc_tensor_desc {
  const char *name;
  int32_t dtype; /* onnxc_dtype */
  int32_t rank;
  /* rank entries; -1 for a dim known only at run time (any size >= 0). */
  const int64_t *shape;
  /* NULL, or rank entries: for a -1 dim, its symbolic name in the ONNX
   * model (dim_param), "" or NULL when unnamed; ignored for static dims.
   * The -1 dims of the inputs that share a name must be equal in a run. */
  const char *const *dim_params;
} onnxc_tensor_desc;

/* The weights of a model compiled with --weights=external: the file that
 * onnx-compile wrote beside the library, which the runtime maps read-only
 * (shared between sessions and processes) before the first run. Layout
 * (little-endian): "ONNXCWTS", u32 format version (1), u32 header bytes
 * (64), u64 data bytes, u64 checksum (onnxc_weights_checksum() of the
 * data), zeros to byte 64, then the data: each constant at its offset,
 * 64-byte aligned. */
typedef struct onnxc_weights_desc {
  const char *file_name; /* the file's name, looked up beside the library */
  uint64_t bytes;        /* data bytes after the header */
  uint64_t checksum;
  /* Where the runtime stores the mapped data's address; the compiled code
   * reads its constants through it (compiled in, written by the runtime). */
  const void **base;
} onnxc_weights_desc;

/* onnxc_model_desc.flags: some input or output has a -1 dim. */
#define ONNXC_MODEL_DYNAMIC 1u

/* A compiled model (compiled in, read-only).
 *
 * The entry point's `args`, built by the runtime: the data pointers of the
 * inputs (num_inputs), one slot per output (num_outputs), the workspace,
 * then a `const int64_t *` per input to its dims in this run (rank entries,
 * given for every input, static or not). An output slot is the data
 * pointer of the output's buffer when its shape is static, and for an
 * output with a -1 dim a pointer to an `int64_t record[1 + rank]` that the
 * compiled code fills: record[0] the address of a buffer it allocated with
 * the runtime's allocator, record[1..rank] the output's dims. */
typedef struct onnxc_model_desc {
  uint32_t abi_version; /* ONNXC_ABI_VERSION */
  const char *name;
  int32_t num_inputs;
  int32_t num_outputs;
  const onnxc_tensor_desc *inputs;
  const onnxc_tensor_desc *outputs;
  uint64_t workspace_bytes; /* intermediates, planned at compile time */
  void (*entry)(void **args);
  /* NULL when the weights are embedded (the default). */
  const onnxc_weights_desc *weights;
  uint32_t flags; /* ONNXC_MODEL_DYNAMIC */
  /* A model with dims known only at run time: the bytes its run-time
   * workspace takes for these input shapes (input_shapes[i]: rank int64s
   * each), beyond workspace_bytes; NULL when it has none. Use
   * onnxc_workspace_bytes(). */
  uint64_t (*dynamic_workspace_bytes)(const int64_t *const *input_shapes);
  uint32_t device; /* onnxc_device_kind */
  /* ONNXC_DEVICE_CUDA: the constants the kernels read, which each session
   * copies to its device (device_weights_bytes bytes; NULL when none). The
   * entry point then takes one more argument after the input shapes: the
   * device copy. Its inputs, outputs and workspace are device pointers. */
  const void *device_weights;
  uint64_t device_weights_bytes;
  /* ONNXC_DEVICE_CUDA: where the model's constructor left the handle of
   * its kernels, registered with the runtime (internal). */
  void *const *device_kernels;
} onnxc_model_desc;

/* A tensor: dense, row-major, `rank` dims in `shape`. Caller-owned, but
 * for the outputs that onnxc_run_alloc() fills in. */
typedef struct onnxc_tensor {
  void *data;
  int32_t dtype; /* onnxc_dtype */
  int32_t rank;
  const int64_t *shape;
} onnxc_tensor;

/* A model with its workspace. Runs of one session are serialized by the
 * caller; use one session per thread to run a model concurrently. */
typedef struct onnxc_session onnxc_session;

/* The model of a shared library built by onnx-compile (dlsym this). */
const onnxc_model_desc *onnxc_get_model(void);

/* Creates a session. `workspace` (NULL: allocated here, 64-byte aligned)
 * must hold desc->workspace_bytes bytes, 64-byte aligned, for the
 * session's lifetime. A model compiled with --target=cuda runs on CUDA
 * device 0, as onnxc_session_create_cuda(desc, 0, NULL, session) does;
 * its workspace is device memory: pass NULL. A model with external weights maps its weights file
 * here if no session or onnxc_weights_load() has yet (ONNXC_ERROR_WEIGHTS
 * with the path and the reason when it is missing or wrong). */
onnxc_status onnxc_session_create(const onnxc_model_desc *desc,
                                  void *workspace, onnxc_session **session);
/* Creates a session of a model compiled with --target=cuda on the CUDA
 * device `ordinal` (0 for the first), whose runs are queued on `stream` (a
 * CUstream of the device's primary context; NULL: a stream the session
 * creates and owns). Loads the driver (dlopen("libcuda.so.1")) on first
 * use, retains the device's primary context, loads the model's kernels and
 * allocates its workspace and its input and output buffers for host-pointer
 * runs; the weights are copied to the device once per model and device,
 * shared by the model's sessions there. ONNXC_ERROR_DEVICE, with
 * the reason, when the driver is missing or too old, the device does not
 * exist or is older than the model's --gpu-arch, or device memory runs
 * out; ONNXC_ERROR_INVALID_ARGUMENT for a CPU model. Thread-safe. */
onnxc_status onnxc_session_create_cuda(const onnxc_model_desc *desc,
                                       int ordinal, void *stream,
                                       onnxc_session **session);

/* Frees the session, the workspace it allocated and the blocks it keeps
 * for its runs (see onnxc_session_trim()); NULL is a no-op. */
void onnxc_session_destroy(onnxc_session *session);

/* Frees the memory a session keeps between runs of a model with shapes
 * known at run time: the blocks its runs allocated and freed (dynamic
 * intermediates, and dynamic outputs copied into the caller's buffers),
 * which later runs reuse so that runs of sizes seen before allocate
 * nothing. The session keeps at most max(64 MiB, twice the most memory
 * one of its runs held at once): beyond, the least recently freed blocks
 * are freed, and all of them when the system refuses a run an allocation.
 * Trim after a run of an unusually large size to return its memory, or to
 * release the memory of an idle session. The next run allocates afresh.
 * Not concurrently with a run of the session; NULL is a no-op. */
void onnxc_session_trim(onnxc_session *session);

/* Checks every tensor against the descriptor (count, element type, rank,
 * dims, non-null data, no overlap) and runs the model; outputs are written
 * to the caller's buffers. An input's -1 dim takes any size >= 0; inputs'
 * -1 dims of the same name must be equal (ONNXC_ERROR_SHAPE_MISMATCH
 * naming both). An output with a -1 dim is checked for its element type,
 * rank and static dims before the run, and its buffer's shape against the
 * shape the run gave it after: equal, the data is copied into it;
 * different, ONNXC_ERROR_SHAPE_MISMATCH naming both shapes (the static
 * outputs are written, the dynamic ones untouched). A run-time check of
 * the compiled code that fails is ONNXC_ERROR_SHAPE_MISMATCH with its
 * message. Allocates only what a model with shapes known at run time
 * needs (its dynamic outputs and intermediates; ONNXC_ERROR_OUT_OF_MEMORY
 * when that fails), all released before returning: kept by the session
 * for its next runs (onnxc_session_trim()). */
onnxc_status onnxc_run(onnxc_session *session, const onnxc_tensor *inputs,
                       size_t num_inputs, const onnxc_tensor *outputs,
                       size_t num_outputs);

/* Runs as onnxc_run(), but the runtime allocates every output (64-byte
 * aligned) and fills in outputs[i] (num_outputs == desc->num_outputs, in
 * descriptor order): data, dtype, rank and shape. `shape` points to
 * storage of the session or the descriptor, valid until the session's next
 * run or destruction; `data` belongs to the caller, who releases it with
 * onnxc_free() (non-NULL, even without elements), never into the
 * session's cache. On failure every outputs[i].data is NULL and nothing
 * stays allocated but the session's cache. For models whose
 * outputs are sized at run time; works for any model. */
onnxc_status onnxc_run_alloc(onnxc_session *session, const onnxc_tensor *inputs,
                             size_t num_inputs, onnxc_tensor *outputs,
                             size_t num_outputs);

/* Runs a session of a --target=cuda model on tensors in device memory
 * (data: CUdeviceptr values of the session's device, as onnxc_run()
 * takes host pointers): no copies; the kernels are queued on the
 * session's stream and the call returns before they finish (synchronize
 * the stream before reading the outputs; the next run of the session may
 * start before). Checks counts, element types and shapes as onnxc_run()
 * does; ONNXC_ERROR_DEVICE for a CPU session or when the driver refuses a
 * launch. onnxc_run() and onnxc_run_alloc() take host pointers on a CUDA
 * session: they copy the inputs in and the outputs out, and wait. */
onnxc_status onnxc_run_device(onnxc_session *session,
                              const onnxc_tensor *inputs, size_t num_inputs,
                              const onnxc_tensor *outputs, size_t num_outputs);

/* The number of CUDA devices the driver sees, in *count; ONNXC_ERROR_DEVICE
 * with the reason (and *count 0) when the driver cannot be loaded or
 * initialized. */
onnxc_status onnxc_cuda_device_count(int *count);

/* Frees an output's data allocated by onnxc_run_alloc(); NULL is a no-op.
 * Thread-safe. */
void onnxc_free(void *data);

/* Runs with the data pointers only, in the order of the descriptor: the
 * inputs, then the outputs (what the generated NAME_run() calls). Checks
 * for null pointers; a NULL workspace is allocated for the call, a given
 * one must be 64-byte aligned. A model with dims known only at run time
 * (ONNXC_MODEL_DYNAMIC) is refused with ONNXC_ERROR_INVALID_ARGUMENT: its
 * shapes are not in the pointers; run it with onnxc_run() or
 * onnxc_run_alloc(). */
onnxc_status onnxc_run_pointers(const onnxc_model_desc *desc,
                                void *const *inputs, void *const *outputs,
                                void *workspace);

/* What the generated NAME_run() of a model with dims known only at run
 * time calls: the inputs' data pointers and their shapes (rank entries
 * each, the dims the caller gave for the run-time ones); for a static
 * output, outputs[i] is the caller's buffer of its descriptor shape; for
 * an output with a run-time dim, outputs[i] is a `void **` that receives a
 * buffer the runtime allocated (release it with onnxc_free()) and
 * output_shapes[i] points to rank int64s that receive its dims
 * (output_shapes may be NULL when no output is dynamic). A session is
 * created for the call, with `workspace` as onnxc_session_create() takes
 * it; the checks and errors are onnxc_run()'s. */
onnxc_status onnxc_run_shapes(const onnxc_model_desc *desc,
                              void *const *inputs,
                              const int64_t *const *input_shapes,
                              void *const *outputs,
                              int64_t *const *output_shapes, void *workspace);

/* The bytes a run with inputs of these shapes (input_shapes[i]: the dims
 * of input i) allocates for its intermediates: desc->workspace_bytes (the
 * compile-time plan) plus, for a model with dims known only at run time,
 * the workspace planned at run time for them (one block, sized before the
 * run's first kernel; a session's cache keeps it for later runs). Buffers
 * whose size depends on input values (NonZero's output, ...) are not
 * included; nor are the outputs onnxc_run_alloc() allocates. Checks the
 * shapes as onnxc_run() does (ONNXC_ERROR_SHAPE_MISMATCH). */
onnxc_status onnxc_workspace_bytes(const onnxc_model_desc *desc,
                                   const int64_t *const *input_shapes,
                                   uint64_t *bytes);

/* External weights (models compiled with --weights=external; a no-op
 * returning ONNXC_OK for embedded weights). Maps the weights file `path`
 * (NULL: desc->weights->file_name in the folder of the library or
 * executable holding `desc`) read-only and checks its header, size and
 * checksum; the mapping is shared by every session of the model in this
 * process and holds one reference per successful call or session. Call it
 * before the first session to load the weights from another place. The
 * typed NAME_run() maps the weights on its first call and keeps them for
 * the process's lifetime. Thread-safe. */
onnxc_status onnxc_weights_load(const onnxc_model_desc *desc, const char *path);
/* Drops a reference taken by onnxc_weights_load(); the last one unmaps. */
void onnxc_weights_release(const onnxc_model_desc *desc);
/* The checksum of a weights file's data: four lanes of FNV-1a-64 over the
 * little-endian 64-bit words (word i to lane i % 4; a final partial word
 * zero-padded), then FNV-1a-64 over the four lanes and the byte count. */
uint64_t onnxc_weights_checksum(const void *data, uint64_t bytes);

/* The message of the last error on the calling thread ("" if none). */
const char *onnxc_last_error(void);

/* Descriptor lookups; -1 / NULL when out of range or not found. */
int onnxc_find_input(const onnxc_model_desc *desc, const char *name);
int onnxc_find_output(const onnxc_model_desc *desc, const char *name);
const char *onnxc_dtype_name(int32_t dtype);
size_t onnxc_dtype_size(int32_t dtype);
/* Number of elements of a tensor of this descriptor (1 for a scalar; -1
 * for NULL, or a dim known only at run time: count the run's shape). */
int64_t onnxc_tensor_desc_elements(const onnxc_tensor_desc *desc);

/* Threads that one run uses for its parallel loops (the calling thread
 * included): `n` >= 1, or 0 for the default, ONNXC_NUM_THREADS from the
 * environment if set, else the number of online CPUs. Applies to every
 * model linked with this copy of the runtime (all the .a/.o models of a
 * program; each .so has its own). Runs that find the pool busy run
 * serially. */
void onnxc_set_num_threads(int n);
int onnxc_get_num_threads(void);

/* For generated code: runs fn(args, begin, end) over disjoint ranges that
 * cover [0, total), each at least `grain` iterations long (but the last),
 * on the thread pool, and returns when all are done. */
typedef void (*onnxc_range_fn)(void **args, int64_t begin, int64_t end);
void onnxc_parallel_for(onnxc_range_fn fn, void **args, int64_t total,
                        int64_t grain);

/* For generated code: a run-time check failed (two dims that must be equal
 * are not, ...); `message` names the node, op, tensor and dims. Ends the
 * run: its memory is freed and onnxc_run() / onnxc_run_alloc() return
 * ONNXC_ERROR_SHAPE_MISMATCH with `message` as the error. The generated
 * checks run on the thread that called the run, outside parallel loops;
 * called anywhere else (no run to end on this thread, or inside a
 * parallel loop, which cannot be left half-done), it prints the message
 * to stderr and aborts. */
#if defined(__GNUC__)
__attribute__((noreturn))
#endif
void onnxc_fail(const char *message);

#ifdef __cplusplus
}
#endif

#endif /* ONNXC_RUNTIME_H */
