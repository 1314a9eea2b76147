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
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

/* Chunks per thread: a few, so that uneven chunks still balance. */
#define ONNXC_CHUNKS_PER_THREAD 4
#define ONNXC_MAX_THREADS 256

static pthread_mutex_t pool_busy = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_ready = PTHREAD_COND_INITIALIZER;
static pthread_cond_t work_done = PTHREAD_COND_INITIALIZER;
static int started_workers;     /* guarded by pool_lock */
static unsigned long generation; /* guarded by pool_lock */
static int active_workers;      /* guarded by pool_lock */
static _Atomic int configured_threads;

static struct {
  onnxc_range_fn fn;
  void **args;
  int64_t total, chunk, num_chunks;
  int participants; /* workers that take chunks in this job */
  atomic_llong next;
} job;

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

static void *worker_main(void *arg) {
  int index = (int)(intptr_t)arg;
  unsigned long seen = 0;
  pthread_mutex_lock(&pool_lock);
  for (;;) {
    while (generation == seen)
      pthread_cond_wait(&work_ready, &pool_lock);
    seen = generation;
    int participate = index < job.participants;
    pthread_mutex_unlock(&pool_lock);
    if (participate)
      run_chunks();
    pthread_mutex_lock(&pool_lock);
    if (--active_workers == 0)
      pthread_cond_signal(&work_done);
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
                                  int64_t total) {
  int threads = onnxc_get_num_threads();
  if (threads <= 1 || total < 2 || pthread_mutex_trylock(&pool_busy) != 0) {
    fn(args, 0, total);
    return;
  }
  pthread_mutex_lock(&pool_lock);
  int workers = ensure_workers(threads - 1);
  if (workers > threads - 1)
    workers = threads - 1;
  int64_t chunks = (int64_t)(workers + 1) * ONNXC_CHUNKS_PER_THREAD;
  if (chunks > total)
    chunks = total;
  job.fn = fn;
  job.args = args;
  job.total = total;
  job.chunk = (total + chunks - 1) / chunks;
  job.num_chunks = (total + job.chunk - 1) / job.chunk;
  job.participants = workers;
  atomic_store(&job.next, 0);
  active_workers = started_workers;
  ++generation;
  pthread_cond_broadcast(&work_ready);
  pthread_mutex_unlock(&pool_lock);

  run_chunks();

  pthread_mutex_lock(&pool_lock);
  while (active_workers > 0)
    pthread_cond_wait(&work_done, &pool_lock);
  pthread_mutex_unlock(&pool_lock);
  pthread_mutex_unlock(&pool_busy);
}
