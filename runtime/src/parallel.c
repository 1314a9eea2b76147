/*===- parallel.c - The thread pool of compiled models ---------------------===*
 *
 * onnxc_parallel_for splits a kernel's linear iteration range into chunks
 * that the calling thread and persistent worker threads take from a shared
 * counter. One job runs on the pool at a time; a run that finds the pool
 * busy (another thread's model is using it) runs its range serially, so
 * concurrent sessions stay correct without waiting on each other.
 *
 *===----------------------------------------------------------------------===*/

#include "internal.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

/* Chunks per thread: a few, so that uneven chunks still balance. */
#define ONNXC_CHUNKS_PER_THREAD 4
#define ONNXC_MAX_THREADS 256
/* Waiting on a shared flag before sleeping on a condition variable: back-
 * to-back kernels of one run then reach the workers without a futex
 * wake-up. The first polls spin (a pause each); the rest yield the CPU, so
 * that when another process holds the other cores, the thread being waited
 * for can run on this one instead of waiting out our time slice. */
#define ONNXC_SPIN_POLLS 2000
#define ONNXC_YIELD_POLLS 200

static pthread_mutex_t pool_busy = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_ready = PTHREAD_COND_INITIALIZER;
static pthread_cond_t work_done = PTHREAD_COND_INITIALIZER;
static int started_workers;          /* guarded by pool_lock */
static atomic_ulong generation;      /* bumped under pool_lock per job */
static atomic_int pending_workers;   /* workers not yet done with the job */
static _Atomic int configured_threads;

static struct {
  onnxc_range_fn fn;
  void **args;
  int64_t total, chunk, num_chunks;
  int participants; /* workers that take chunks in this job */
  atomic_llong next;
  onnxc_run_context *run; /* the run of the calling thread, NULL if none */
} job;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static void run_chunks(void) {
  for (;;) {
    long long c = atomic_fetch_add(&job.next, 1);
    if (c >= job.num_chunks)
      return;
    int64_t begin = c * job.chunk;
    int64_t end = begin + job.chunk < job.total ? begin + job.chunk : job.total;
    job.fn(job.args, begin, end);
  }
}

/* One poll of a wait: spin first, then yield. */
static void wait_a_little(int poll) {
  if (poll < ONNXC_SPIN_POLLS)
    cpu_relax();
  else
    sched_yield();
}

/* Waits until `generation` differs from `seen`: spins, yields, sleeps. */
static unsigned long wait_for_job(unsigned long seen) {
  for (int i = 0; i < ONNXC_SPIN_POLLS + ONNXC_YIELD_POLLS; ++i) {
    unsigned long now = atomic_load_explicit(&generation, memory_order_acquire);
    if (now != seen)
      return now;
    wait_a_little(i);
  }
  pthread_mutex_lock(&pool_lock);
  unsigned long now;
  while ((now = atomic_load_explicit(&generation, memory_order_acquire)) == seen)
    pthread_cond_wait(&work_ready, &pool_lock);
  pthread_mutex_unlock(&pool_lock);
  return now;
}

/* The generation each worker was started at: it waits for the next one. */
static unsigned long start_generation[ONNXC_MAX_THREADS];

static void *worker_main(void *arg) {
  int index = (int)(intptr_t)arg;
  unsigned long seen = start_generation[index];
  for (;;) {
    seen = wait_for_job(seen);
    if (index < job.participants) {
      /* What the chunks allocate belongs to the caller's run. */
      onnxc_parallel_worker_(job.run);
      run_chunks();
      onnxc_parallel_worker_(NULL);
    }
    if (atomic_fetch_sub_explicit(&pending_workers, 1, memory_order_acq_rel) == 1) {
      pthread_mutex_lock(&pool_lock);
      pthread_cond_signal(&work_done);
      pthread_mutex_unlock(&pool_lock);
    }
  }
  return NULL;
}

static int default_threads(void) {
  const char *env = getenv("ONNXC_NUM_THREADS");
  if (env && *env) {
    int n = atoi(env);
    if (n >= 1)
      return n < ONNXC_MAX_THREADS ? n : ONNXC_MAX_THREADS;
  }
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus < 1)
    return 1;
  return cpus < ONNXC_MAX_THREADS ? (int)cpus : ONNXC_MAX_THREADS;
}

ONNXC_API void onnxc_set_num_threads(int n) {
  atomic_store(&configured_threads,
               n < 0 ? 0 : (n > ONNXC_MAX_THREADS ? ONNXC_MAX_THREADS : n));
}

ONNXC_API int onnxc_get_num_threads(void) {
  int n = atomic_load(&configured_threads);
  return n > 0 ? n : default_threads();
}

/* Starts workers up to `wanted` (guarded by pool_lock); returns how many
 * run. A failed pthread_create leaves fewer workers, not an error. */
static int ensure_workers(int wanted) {
  while (started_workers < wanted) {
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    start_generation[started_workers] = atomic_load(&generation);
    int failed = pthread_create(&thread, &attr, worker_main,
                                (void *)(intptr_t)started_workers);
    pthread_attr_destroy(&attr);
    if (failed)
      break;
    ++started_workers;
  }
  return started_workers;
}

ONNXC_API void onnxc_parallel_for(onnxc_range_fn fn, void **args,
                                  int64_t total, int64_t grain) {
  int threads = onnxc_get_num_threads();
  if (grain < 1)
    grain = 1;
  if (threads <= 1 || total <= grain ||
      pthread_mutex_trylock(&pool_busy) != 0) {
    fn(args, 0, total);
    return;
  }
  pthread_mutex_lock(&pool_lock);
  int workers = ensure_workers(threads - 1);
  pthread_mutex_unlock(&pool_lock);
  if (workers > threads - 1)
    workers = threads - 1;
  /* Chunks of at least `grain` iterations; no more threads than chunks. */
  int64_t chunks = (int64_t)(workers + 1) * ONNXC_CHUNKS_PER_THREAD;
  if (chunks > total / grain)
    chunks = total / grain;
  if (chunks < 2) {
    pthread_mutex_unlock(&pool_busy);
    fn(args, 0, total);
    return;
  }
  /* From here until the workers are done, a failure in a chunk cannot
   * longjmp out of the run: the pool would stay busy, its workers running
   * on this frame's arguments. */
  job.run = onnxc_parallel_begin_();
  job.fn = fn;
  job.args = args;
  job.total = total;
  job.chunk = (total + chunks - 1) / chunks;
  job.num_chunks = (total + job.chunk - 1) / job.chunk;
  job.participants = job.num_chunks - 1 < workers ? (int)job.num_chunks - 1 : workers;
  atomic_store(&job.next, 0);
  atomic_store_explicit(&pending_workers, started_workers, memory_order_relaxed);
  pthread_mutex_lock(&pool_lock);
  atomic_fetch_add_explicit(&generation, 1, memory_order_release);
  pthread_cond_broadcast(&work_ready);
  pthread_mutex_unlock(&pool_lock);

  run_chunks();

  for (int i = 0; i < ONNXC_SPIN_POLLS + ONNXC_YIELD_POLLS &&
                  atomic_load_explicit(&pending_workers, memory_order_acquire) > 0;
       ++i)
    wait_a_little(i);
  if (atomic_load_explicit(&pending_workers, memory_order_acquire) > 0) {
    pthread_mutex_lock(&pool_lock);
    while (atomic_load_explicit(&pending_workers, memory_order_acquire) > 0)
      pthread_cond_wait(&work_done, &pool_lock);
    pthread_mutex_unlock(&pool_lock);
  }
  onnxc_parallel_end_(job.run);
  pthread_mutex_unlock(&pool_busy);
}
