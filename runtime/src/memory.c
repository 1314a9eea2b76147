/*===- memory.c - Memory the compiled code allocates, and its runs --------===*
 *
 * A model whose shapes are known only at run time allocates its outputs and
 * some intermediates while it runs, through MLIR's generic allocation
 * functions, which this file defines. Each block carries a 64-byte header
 * linking it into the list of the run that allocated it, so that a run
 * ended early (a failed run-time check, onnxc_fail(), or an allocation
 * failure, both of which longjmp out of the compiled code: its C-ABI frames
 * have nothing to unwind) releases everything it held, and so that the
 * runtime can tell the blocks it may hand to the caller from anything else
 * an output's record points to.
 *
 * Such a model allocates and frees the same sizes in every run. The blocks
 * a run frees (and those it still holds at its end, but for the outputs
 * handed to the caller) go to its session's cache, from which later
 * allocations take the smallest block that fits, so that repeated runs
 * allocate nothing in steady state and touch no fresh pages.
 *
 *===----------------------------------------------------------------------===*/

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cached blocks are poisoned for AddressSanitizer (in an instrumented
 * build of the runtime), so that the compiled code's use of a block after
 * freeing it is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#define ONNXC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ONNXC_ASAN 1
#endif
#endif
#ifdef ONNXC_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define BLOCK_ALIGNMENT 64
#define BLOCK_HEADER_BYTES 64
/* Marks a live block's header: onnxc_free() leaves anything else alone. */
#define BLOCK_MAGIC 0x6f6e6e78636d656dull /* "onnxcmem" */
/* Marks a block in a cache: freeing it again is a no-op, as for a freed
 * block. */
#define CACHED_MAGIC 0x6f6e6e7863616368ull /* "onnxcach" */
/* A session's cache holds at most max(CACHE_MIN_LIMIT, 2 x the most bytes
 * one of its runs held at once): room for the blocks of a run at its peak
 * and what best-fit leaves unused, while a model of a few MiB keeps the
 * blocks of several input sizes. Beyond, the least recently cached blocks
 * are freed. */
#define CACHE_MIN_LIMIT ((uint64_t)64 << 20)

struct onnxc_block {
  onnxc_block *prev, *next;   /* in owner->blocks, or in a cache */
  onnxc_run_context *owner;   /* NULL: not tracked by a run */
  uint64_t magic;
  uint64_t size;              /* its data bytes, a multiple of 64 */
};

_Static_assert(sizeof(onnxc_block) <= BLOCK_HEADER_BYTES,
               "the block header must fit before the 64-byte aligned data");

/* The run on this thread (NULL: none); a worker's while it runs chunks of a
 * run's parallel loop. */
static _Thread_local onnxc_run_context *current_run;

/* For the tests' hooks (__atomic builtins). */
static int64_t live_blocks, cached_blocks, block_allocations;

static void count(int64_t *counter, int64_t delta) {
  __atomic_add_fetch(counter, delta, __ATOMIC_RELAXED);
}

static onnxc_block *header_of(void *data) {
  return (onnxc_block *)((unsigned char *)data - BLOCK_HEADER_BYTES);
}

static void *data_of(onnxc_block *block) {
  return (unsigned char *)block + BLOCK_HEADER_BYTES;
}

/* Blocks of a run, and its session's cache, can be allocated and freed by
 * the pool's workers during its parallel loops, at the same time as by the
 * calling thread. */
static void lock_run(onnxc_run_context *run) {
  while (__atomic_test_and_set(&run->lock, __ATOMIC_ACQUIRE))
    ;
}

static void unlock_run(onnxc_run_context *run) {
  __atomic_clear(&run->lock, __ATOMIC_RELEASE);
}

/* Called with run->lock held. */
static void link_block(onnxc_run_context *run, onnxc_block *block) {
  block->owner = run;
  block->prev = NULL;
  block->next = run->blocks;
  if (run->blocks)
    run->blocks->prev = block;
  run->blocks = block;
  run->held_bytes += block->size;
  if (run->held_bytes > run->peak_bytes)
    run->peak_bytes = run->held_bytes;
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
  run->held_bytes -= block->size;
}

/* The data bytes of a block for `bytes` (at least one alignment unit, so
 * that every block has its own address); 0 when that is too large. */
static uint64_t block_size(uint64_t bytes) {
  if (bytes > (uint64_t)SIZE_MAX - BLOCK_HEADER_BYTES - 2 * BLOCK_ALIGNMENT)
    return 0;
  return bytes ? (bytes + BLOCK_ALIGNMENT - 1) & ~(uint64_t)(BLOCK_ALIGNMENT - 1)
               : BLOCK_ALIGNMENT;
}

/* A new untracked block of `bytes` from the system allocator; NULL when
 * out of memory. */
static onnxc_block *new_block(uint64_t bytes) {
  uint64_t size = block_size(bytes);
  void *memory = NULL;
  if (!size || posix_memalign(&memory, BLOCK_ALIGNMENT,
                              BLOCK_HEADER_BYTES + (size_t)size) != 0)
    return NULL;
  onnxc_block *block = memory;
  block->prev = block->next = NULL;
  block->owner = NULL;
  block->magic = BLOCK_MAGIC;
  block->size = size;
  count(&live_blocks, 1);
  count(&block_allocations, 1);
  return block;
}

/* Frees a block in use (untracked) to the system allocator. */
static void free_block(onnxc_block *block) {
  block->magic = 0;
  count(&live_blocks, -1);
  free(block);
}

/*===----------------------------------------------------------------------===*
 * Caches of sessions. Each function is called with the lock of the run
 * using the cache held, or outside any run of it.
 *===----------------------------------------------------------------------===*/

/* Adds an untracked block in use to `cache`, as its most recent. */
static void cache_push(onnxc_block_cache *cache, onnxc_block *block) {
  block->magic = CACHED_MAGIC;
  block->owner = NULL;
  block->prev = NULL;
  block->next = cache->first;
  if (cache->first)
    cache->first->prev = block;
  else
    cache->last = block;
  cache->first = block;
  cache->bytes += block->size;
  count(&live_blocks, -1);
  count(&cached_blocks, 1);
  POISON(data_of(block), block->size);
}

static void cache_remove(onnxc_block_cache *cache, onnxc_block *block) {
  if (block->prev)
    block->prev->next = block->next;
  else
    cache->first = block->next;
  if (block->next)
    block->next->prev = block->prev;
  else
    cache->last = block->prev;
  block->prev = block->next = NULL;
  cache->bytes -= block->size;
}

/* Takes the smallest cached block of `size` data bytes or more, but no
 * more than twice that (a small request does not pin a large block); NULL
 * if none. Returns it untracked and in use. */
static onnxc_block *cache_take(onnxc_block_cache *cache, uint64_t size) {
  onnxc_block *best = NULL;
  for (onnxc_block *block = cache->first; block; block = block->next) {
    if (block->size < size || block->size / 2 > size ||
        (best && block->size >= best->size))
      continue;
    best = block;
    if (block->size == size)
      break;
  }
  if (!best)
    return NULL;
  cache_remove(cache, best);
  UNPOISON(data_of(best), best->size);
  best->magic = BLOCK_MAGIC;
  count(&cached_blocks, -1);
  count(&live_blocks, 1);
  return best;
}

/* The cache's limit, with `run_peak` the peak of the run under way. */
static uint64_t cache_limit(const onnxc_block_cache *cache,
                            uint64_t run_peak) {
  uint64_t peak = cache->peak > run_peak ? cache->peak : run_peak;
  if (peak > UINT64_MAX / 2)
    return UINT64_MAX;
  return 2 * peak > CACHE_MIN_LIMIT ? 2 * peak : CACHE_MIN_LIMIT;
}

/* Removes the least recently cached blocks until `cache` holds no more
 * than `limit` bytes; returns them, linked through `next`, to free with
 * free_cached() once the lock is released. */
static onnxc_block *cache_evict(onnxc_block_cache *cache, uint64_t limit) {
  onnxc_block *evicted = NULL;
  while (cache->last && cache->bytes > limit) {
    onnxc_block *block = cache->last;
    cache_remove(cache, block);
    block->next = evicted;
    evicted = block;
  }
  return evicted;
}

static void free_cached(onnxc_block *list) {
  while (list) {
    onnxc_block *next = list->next;
    UNPOISON(data_of(list), list->size);
    list->magic = 0;
    count(&cached_blocks, -1);
    free(list);
    list = next;
  }
}

ONNXC_INTERNAL void onnxc_cache_trim_(onnxc_block_cache *cache) {
  free_cached(cache_evict(cache, 0));
  /* The runs to come may be smaller: the limit follows them again. */
  cache->peak = 0;
}

/*===----------------------------------------------------------------------===*
 * The allocator
 *===----------------------------------------------------------------------===*/

ONNXC_INTERNAL void *onnxc_alloc_(uint64_t bytes) {
  onnxc_block *block = new_block(bytes);
  return block ? data_of(block) : NULL;
}

/* Frees a block in use: into the cache of the run that holds it, if that
 * run has one, else to the system allocator. */
static void release_block(onnxc_block *block) {
  onnxc_run_context *run = block->owner;
  if (!run) {
    free_block(block);
    return;
  }
  lock_run(run);
  unlink_block(run, block);
  onnxc_block_cache *cache = run->cache;
  onnxc_block *evicted = NULL;
  if (cache) {
    cache_push(cache, block);
    evicted = cache_evict(cache, cache_limit(cache, run->peak_bytes));
  }
  unlock_run(run);
  if (!cache)
    free_block(block);
  free_cached(evicted);
}

ONNXC_API void onnxc_free(void *data) {
  if (!data)
    return;
  onnxc_block *block = header_of(data);
  /* Not a block of this allocator (or freed twice): a leak is better than
   * a corrupted heap. */
  if (block->magic != BLOCK_MAGIC)
    return;
  release_block(block);
}

ONNXC_INTERNAL void *onnxc_memref_alloc(uint64_t bytes) {
  onnxc_run_context *run = current_run;
  uint64_t size = block_size(bytes);
  if (run && run->cache && size) {
    lock_run(run);
    onnxc_block *block = cache_take(run->cache, size);
    if (block)
      link_block(run, block);
    unlock_run(run);
    if (block)
      return data_of(block);
  }
  onnxc_block *block = new_block(bytes);
  if (!block && run && run->cache) {
    /* The blocks that did not fit may be what the system lacks. */
    lock_run(run);
    onnxc_block *cached = cache_evict(run->cache, 0);
    unlock_run(run);
    if (cached) {
      free_cached(cached);
      block = new_block(bytes);
    }
  }
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
  if (run) {
    lock_run(run);
    link_block(run, block);
    unlock_run(run);
  }
  return data_of(block);
}

ONNXC_INTERNAL void onnxc_memref_free(void *data) { onnxc_free(data); }

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

ONNXC_INTERNAL void onnxc_fail_status_(onnxc_status status) {
  onnxc_run_context *run = current_run;
  if (run && !run->no_jump) {
    run->status = status;
    longjmp(run->jump, 1);
  }
  fprintf(stderr, "onnxc: %s (outside a run)\n", onnxc_last_error());
  abort();
}

ONNXC_INTERNAL onnxc_status onnxc_run_entry_(onnxc_run_context *context,
                                             onnxc_block_cache *cache,
                                             void (*entry)(void **),
                                             void **args) {
  context->status = ONNXC_OK;
  context->lock = 0;
  context->no_jump = 0;
  context->blocks = NULL;
  context->cache = cache;
  context->held_bytes = context->peak_bytes = 0;
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
  /* The run is over: its workers are done, nothing else uses the cache. */
  onnxc_block_cache *cache = context->cache;
  onnxc_block *block = context->blocks;
  context->blocks = NULL;
  context->held_bytes = 0;
  if (cache && context->peak_bytes > cache->peak)
    cache->peak = context->peak_bytes;
  while (block) {
    onnxc_block *next = block->next;
    if (cache)
      cache_push(cache, block);
    else
      free_block(block);
    block = next;
  }
  if (cache)
    free_cached(cache_evict(cache, cache_limit(cache, 0)));
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

ONNXC_INTERNAL int64_t onnxc_cached_blocks_(void) {
  return __atomic_load_n(&cached_blocks, __ATOMIC_RELAXED);
}

ONNXC_INTERNAL int64_t onnxc_block_allocations_(void) {
  return __atomic_load_n(&block_allocations, __ATOMIC_RELAXED);
}
