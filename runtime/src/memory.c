/*===- memory.c - Memory the compiled code allocates, and its runs --------===*
 *
 * A model whose shapes are known only at run time allocates its outputs and
 * some intermediates while it runs, through MLIR's generic allocation
 * functions, which this file defines. Each block carries a 64-byte header
 * linking it into the list of the run that allocated it, so that a run
 * ended early (a failed run-time check, onnxc_fail(), or an allocation
 * failure, both of which longjmp out of the compiled code: its C-ABI frames
 * have nothing to unwind) frees everything it held, and so that the runtime
 * can tell the blocks it may hand to the caller from anything else an
 * output's record points to.
 *
 *===----------------------------------------------------------------------===*/

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_ALIGNMENT 64
#define BLOCK_HEADER_BYTES 64
/* Marks a live block's header: onnxc_free() leaves anything else alone. */
#define BLOCK_MAGIC 0x6f6e6e78636d656dull /* "onnxcmem" */

struct onnxc_block {
  onnxc_block *prev, *next;   /* in owner->blocks */
  onnxc_run_context *owner;   /* NULL: not tracked by a run */
  uint64_t magic;
};

_Static_assert(sizeof(onnxc_block) <= BLOCK_HEADER_BYTES,
               "the block header must fit before the 64-byte aligned data");

/* The run on this thread (NULL: none); a worker's while it runs chunks of a
 * run's parallel loop. */
static _Thread_local onnxc_run_context *current_run;

static int64_t live_blocks; /* __atomic builtins */

static onnxc_block *header_of(void *data) {
  return (onnxc_block *)((unsigned char *)data - BLOCK_HEADER_BYTES);
}

static void *data_of(onnxc_block *block) {
  return (unsigned char *)block + BLOCK_HEADER_BYTES;
}

/* Blocks of a run can be allocated and freed by the pool's workers during
 * its parallel loops, at the same time as by the calling thread. */
static void lock_run(onnxc_run_context *run) {
  while (__atomic_test_and_set(&run->lock, __ATOMIC_ACQUIRE))
    ;
}

static void unlock_run(onnxc_run_context *run) {
  __atomic_clear(&run->lock, __ATOMIC_RELEASE);
}

static void link_block(onnxc_run_context *run, onnxc_block *block) {
  block->owner = run;
  block->prev = NULL;
  lock_run(run);
  block->next = run->blocks;
  if (run->blocks)
    run->blocks->prev = block;
  run->blocks = block;
  unlock_run(run);
}

/* Called with run->lock held. */
static void unlink_block(onnxc_run_context *run, onnxc_block *block) {
  if (block->prev)
    block->prev->next = block->next;
  else
    run->blocks = block->next;
  if (block->next)
    block->next->prev = block->prev;
  block->prev = block->next = NULL;
  block->owner = NULL;
}

/* A new untracked block of `bytes` (at least one alignment unit, so that
 * every block has its own address); NULL when out of memory. */
static onnxc_block *new_block(uint64_t bytes) {
  if (bytes > (uint64_t)SIZE_MAX - BLOCK_HEADER_BYTES - 2 * BLOCK_ALIGNMENT)
    return NULL;
  size_t size = bytes ? ((size_t)bytes + BLOCK_ALIGNMENT - 1) &
                            ~(size_t)(BLOCK_ALIGNMENT - 1)
                      : BLOCK_ALIGNMENT;
  void *memory = NULL;
  if (posix_memalign(&memory, BLOCK_ALIGNMENT, BLOCK_HEADER_BYTES + size) != 0)
    return NULL;
  onnxc_block *block = memory;
  block->prev = block->next = NULL;
  block->owner = NULL;
  block->magic = BLOCK_MAGIC;
  __atomic_add_fetch(&live_blocks, 1, __ATOMIC_RELAXED);
  return block;
}

static void free_block(onnxc_block *block) {
  block->magic = 0;
  __atomic_sub_fetch(&live_blocks, 1, __ATOMIC_RELAXED);
  free(block);
}

ONNXC_INTERNAL void *onnxc_alloc_(uint64_t bytes) {
  onnxc_block *block = new_block(bytes);
  return block ? data_of(block) : NULL;
}

ONNXC_API void onnxc_free(void *data) {
  if (!data)
    return;
  onnxc_block *block = header_of(data);
  /* Not a block of this allocator (or freed twice): a leak is better than
   * a corrupted heap. */
  if (block->magic != BLOCK_MAGIC)
    return;
  onnxc_run_context *run = block->owner;
  if (run) {
    lock_run(run);
    unlink_block(run, block);
    unlock_run(run);
  }
  free_block(block);
}

ONNXC_INTERNAL void *_mlir_memref_to_llvm_alloc(uint64_t bytes) {
  onnxc_run_context *run = current_run;
  onnxc_block *block = new_block(bytes);
  if (!block) {
    onnxc_runtime_error(ONNXC_ERROR_OUT_OF_MEMORY,
                        "cannot allocate %llu bytes for an intermediate or "
                        "output",
                        (unsigned long long)bytes);
    if (run && !run->no_jump) {
      run->status = ONNXC_ERROR_OUT_OF_MEMORY;
      longjmp(run->jump, 1);
    }
    return NULL;
  }
  if (run)
    link_block(run, block);
  return data_of(block);
}

ONNXC_INTERNAL void _mlir_memref_to_llvm_free(void *data) { onnxc_free(data); }

ONNXC_API void onnxc_fail(const char *message) {
  onnxc_run_context *run = current_run;
  if (!message)
    message = "a run-time check of the model failed";
  onnxc_runtime_error(ONNXC_ERROR_SHAPE_MISMATCH, "%s", message);
  if (run && !run->no_jump) {
    run->status = ONNXC_ERROR_SHAPE_MISMATCH;
    longjmp(run->jump, 1);
  }
  /* Generated checks run on the thread that started the run, outside
   * parallel loops: this is a bug of the compiled code, with no run to
   * return the error from. */
  fprintf(stderr, "onnxc: %s (a run-time check failed outside a run)\n",
          message);
  abort();
}

ONNXC_INTERNAL onnxc_status onnxc_run_entry_(onnxc_run_context *context,
                                             void (*entry)(void **),
                                             void **args) {
  context->status = ONNXC_OK;
  context->lock = 0;
  context->no_jump = 0;
  context->blocks = NULL;
  context->previous = current_run;
  current_run = context;
  /* Nothing local changes between setjmp and a longjmp back here. */
  onnxc_status status = ONNXC_OK;
  if (setjmp(context->jump) == 0)
    entry(args);
  else
    status = context->status;
  current_run = context->previous;
  return status;
}

ONNXC_INTERNAL int onnxc_run_claim_(onnxc_run_context *context, void *data) {
  /* Walk the list rather than read a header before `data`: it may point
   * anywhere (an input, the middle of a block). */
  for (onnxc_block *block = context->blocks; block; block = block->next) {
    if (data_of(block) == data) {
      unlink_block(context, block);
      return 1;
    }
  }
  return 0;
}

ONNXC_INTERNAL void onnxc_run_release_(onnxc_run_context *context) {
  onnxc_block *block = context->blocks;
  context->blocks = NULL;
  while (block) {
    onnxc_block *next = block->next;
    free_block(block);
    block = next;
  }
}

ONNXC_INTERNAL onnxc_run_context *onnxc_parallel_begin_(void) {
  onnxc_run_context *run = current_run;
  if (run)
    ++run->no_jump;
  return run;
}

ONNXC_INTERNAL void onnxc_parallel_end_(onnxc_run_context *context) {
  if (context)
    --context->no_jump;
}

ONNXC_INTERNAL void onnxc_parallel_worker_(onnxc_run_context *context) {
  current_run = context;
}

ONNXC_INTERNAL int64_t onnxc_live_blocks_(void) {
  return __atomic_load_n(&live_blocks, __ATOMIC_RELAXED);
}
