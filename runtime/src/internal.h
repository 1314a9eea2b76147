/*===- internal.h - Shared definitions of the runtime's sources -----------===*/

#ifndef ONNXC_RUNTIME_INTERNAL_H
#define ONNXC_RUNTIME_INTERNAL_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* posix_memalign, sysconf */
#endif

#include "onnxc/runtime.h"

#include <setjmp.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every compiled model object (.o, .a) carries this runtime; weak
 * definitions let several models link into one program, sharing one copy. */
#if defined(__GNUC__)
#define ONNXC_API __attribute__((weak, visibility("default")))
#else
#define ONNXC_API
#endif

/* Shared between the runtime's sources, not exported from a model .so. */
#if defined(__GNUC__)
#define ONNXC_INTERNAL __attribute__((weak, visibility("hidden")))
#else
#define ONNXC_INTERNAL
#endif

/* Sets the calling thread's last error message; returns `status`. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
ONNXC_INTERNAL onnxc_status onnxc_runtime_error(onnxc_status status,
                                                const char *fmt, ...);

/* Whether the model's constants are readable: embedded, or external and
 * mapped. */
ONNXC_INTERNAL int onnxc_weights_ready_(const onnxc_model_desc *desc);

/*===----------------------------------------------------------------------===*
 * Memory of a run (memory.c)
 *===----------------------------------------------------------------------===*/

/* Every block of the runtime's allocator (what the compiled code allocates,
 * and the outputs of onnxc_run_alloc) starts 64 bytes after this header. */
typedef struct onnxc_block onnxc_block;

/* The blocks a session's runs freed, kept for its next runs: a model with
 * shapes known at run time allocates and frees the same sizes in every
 * run, and taking them from here spares the system allocator (which
 * returns large blocks to the OS, so that every run faulted fresh pages
 * in). Used only during the session's runs, which the caller serializes;
 * a run's pool workers reach it under the run's lock. Zero-initialized:
 * empty. */
typedef struct onnxc_block_cache {
  onnxc_block *first, *last; /* most recently cached first */
  uint64_t bytes;            /* the data bytes of the cached blocks */
  uint64_t peak;             /* the most bytes a run held at once */
} onnxc_block_cache;

/* One run of compiled code on the thread that called it: the blocks the
 * run allocated and still holds, and where onnxc_fail() and an allocation
 * failure jump to. Lives on the stack of the runtime's run function. */
typedef struct onnxc_run_context {
  jmp_buf jump;
  onnxc_status status;  /* why it jumped */
  int lock;             /* spin lock of `blocks` and `cache` (__atomic) */
  int no_jump;          /* > 0 inside a parallel loop: cannot longjmp */
  onnxc_block *blocks;  /* the live blocks allocated in the run */
  onnxc_block_cache *cache; /* the session's; NULL: none, free() blocks */
  uint64_t held_bytes;  /* the data bytes of `blocks` */
  uint64_t peak_bytes;  /* the most `held_bytes` were in this run */
  struct onnxc_run_context *previous; /* the run this one is nested in */
} onnxc_run_context;

/* Calls entry(args) as the run `context` on this thread (nested runs
 * save and restore the outer one). The compiled code's allocations take
 * blocks from `cache` when one fits, and its frees return blocks there
 * (NULL: straight from and to the system allocator). Returns ONNXC_OK, or
 * the status of the onnxc_fail() or allocation failure that ended it
 * (error message set). Either way the blocks the run still holds stay in
 * `context`: take the outputs with onnxc_run_claim_(), then release the
 * rest with onnxc_run_release_(). */
ONNXC_INTERNAL onnxc_status onnxc_run_entry_(onnxc_run_context *context,
                                             onnxc_block_cache *cache,
                                             void (*entry)(void **),
                                             void **args);

/* If `data` is the start of a block that `context` holds, detaches it (the
 * caller owns it now; onnxc_free() frees it, never into a cache) and
 * returns 1; else 0. */
ONNXC_INTERNAL int onnxc_run_claim_(onnxc_run_context *context, void *data);

/* Returns every block `context` still holds to its cache (within the
 * cache's limit), or frees it. */
ONNXC_INTERNAL void onnxc_run_release_(onnxc_run_context *context);

/* Frees every block of `cache`, leaving it empty. Not during a run that
 * uses it. */
ONNXC_INTERNAL void onnxc_cache_trim_(onnxc_block_cache *cache);

/* A block of the runtime's allocator outside any run: 64-byte aligned,
 * `bytes` may be 0; NULL when out of memory. Freed by onnxc_free(). */
ONNXC_INTERNAL void *onnxc_alloc_(uint64_t bytes);

/* onnxc_parallel_for() around the chunks it shares with the pool's
 * workers: a failure cannot longjmp out of them, and the workers' blocks
 * belong to the calling thread's run. Returns that run's context (NULL
 * outside a run) for the workers' onnxc_parallel_worker_(). */
ONNXC_INTERNAL onnxc_run_context *onnxc_parallel_begin_(void);
ONNXC_INTERNAL void onnxc_parallel_end_(onnxc_run_context *context);
/* Sets the calling worker's run (NULL: none) while it runs chunks. */
ONNXC_INTERNAL void onnxc_parallel_worker_(onnxc_run_context *context);

/* For tests, counts over the whole process: the blocks of the runtime's
 * allocator in use (held by a run or a caller: neither freed nor cached),
 * the blocks in sessions' caches, and the blocks ever taken from the
 * system allocator. */
ONNXC_INTERNAL int64_t onnxc_live_blocks_(void);
ONNXC_INTERNAL int64_t onnxc_cached_blocks_(void);
ONNXC_INTERNAL int64_t onnxc_block_allocations_(void);

/* The allocator of the compiled code (MLIR's generic allocation functions
 * of its LLVM lowering). In a run: tracked, released if the run fails,
 * served from and freed into the session's cache, and an allocation
 * failure ends the run with ONNXC_ERROR_OUT_OF_MEMORY. Outside
 * one: untracked, NULL on failure. 64-byte aligned; `bytes` may be 0 (a
 * unique pointer). Hidden, unlike the API: a model's code calls its own
 * runtime's copy, whatever else the process defines under this name. */
/* Ends the run on this thread with `status` (its message already set),
 * as onnxc_fail() does for a failed check. */
#if defined(__GNUC__)
__attribute__((noreturn))
#endif
ONNXC_INTERNAL void onnxc_fail_status_(onnxc_status status);

/* A session's CUDA side (cuda.c): its device, context, stream and device
 * buffers (workspace, weights, the inputs and outputs of host-pointer
 * runs). */
typedef struct onnxc_cuda_session onnxc_cuda_session;
/* Not weak references (the definitions are weak, as every internal
 * function): a weak undefined reference would not pull cuda.o out of the
 * runtime archive into a program that only runs CPU models. */
#if defined(__GNUC__)
#define ONNXC_INTERNAL_REF __attribute__((visibility("hidden")))
#else
#define ONNXC_INTERNAL_REF
#endif
ONNXC_INTERNAL_REF onnxc_status onnxc_cuda_session_create_(
    const onnxc_model_desc *desc, int ordinal, void *stream,
    onnxc_cuda_session **session);
ONNXC_INTERNAL_REF void onnxc_cuda_session_destroy_(onnxc_cuda_session *session);
/* Runs a checked, static-shape model: `inputs` (their data) and `outputs`
 * are device pointers when `on_device`, else host pointers copied through
 * the session's device buffers (and the call waits for the outputs). */
ONNXC_INTERNAL_REF onnxc_status onnxc_cuda_run_(onnxc_cuda_session *session,
                                            const onnxc_model_desc *desc,
                                            const onnxc_tensor *inputs,
                                            void *const *outputs,
                                            int on_device);

ONNXC_INTERNAL void *onnxc_memref_alloc(uint64_t bytes);
ONNXC_INTERNAL void onnxc_memref_free(void *data);

#ifdef __cplusplus
}
#endif

#endif /* ONNXC_RUNTIME_INTERNAL_H */
