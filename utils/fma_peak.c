/*===- fma_peak.c - The machine's f32 FMA throughput, for utils/bench ------===*
 *
 * utils/bench compiles it with `cc -O2 -march=native -pthread` and runs
 *
 *     fma_peak THREADS SECONDS
 *
 * which prints one line: "<GFLOP/s> <f32 lanes> <instruction set>". Each
 * thread runs CHAINS independent chains of vector FMAs (acc = acc * m + b) at
 * the widest width the compiler targets, enough chains to cover the FMA
 * latency on every FMA pipe, so the loop is bound by FMA throughput alone.
 * An FMA counts as 2 flops per lane. The iteration count is calibrated on
 * one thread to take about SECONDS; every thread then runs that many and the
 * rate is over the wall time from the start of the first thread to the end
 * of the last, so a clock that drops with more busy cores shows.
 *
 *===----------------------------------------------------------------------===*/

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__AVX512F__)
#include <immintrin.h>
typedef __m512 vec;
#define LANES 16
#define CHAINS 16 /* of the 32 zmm registers */
#define ISA "avx512f"
#define SET1(x) _mm512_set1_ps(x)
#define FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
static float reduce(vec v) { return _mm512_reduce_add_ps(v); }
#elif defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
typedef __m256 vec;
#define LANES 8
#define CHAINS 12 /* of the 16 ymm registers, leaving room for m and b */
#define ISA "avx2+fma"
#define SET1(x) _mm256_set1_ps(x)
#define FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
static float reduce(vec v) {
  float lanes[8];
  _mm256_storeu_ps(lanes, v);
  float sum = 0;
  for (int i = 0; i < 8; ++i)
    sum += lanes[i];
  return sum;
}
#else
typedef float vec;
#define LANES 1
#define CHAINS 16
#define ISA "scalar fmaf"
#define SET1(x) (x)
#define FMA(a, b, c) fmaf(a, b, c)
static float reduce(vec v) { return v; }
#endif

static long iterations;
static pthread_barrier_t start_barrier;
static volatile float sink;

static float chains(long n) {
  vec m = SET1(0.9999f), b = SET1(1e-4f);
  vec acc[CHAINS];
  for (int c = 0; c < CHAINS; ++c)
    acc[c] = SET1(0.5f + 0.01f * c);
  for (long i = 0; i < n; ++i) {
#pragma GCC unroll 16
    for (int c = 0; c < CHAINS; ++c)
      acc[c] = FMA(acc[c], m, b);
  }
  float sum = 0;
  for (int c = 0; c < CHAINS; ++c)
    sum += reduce(acc[c]);
  return sum;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *worker(void *arg) {
  (void)arg;
  pthread_barrier_wait(&start_barrier);
  sink = chains(iterations);
  return NULL;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  double seconds = argc > 2 ? atof(argv[2]) : 0.3;
  if (threads < 1 || threads > 1024 || !(seconds > 0)) {
    fprintf(stderr, "usage: fma_peak THREADS SECONDS\n");
    return 2;
  }
  /* Calibrate on one thread, also warming up the clock. */
  long n = 1 << 12;
  double took;
  for (;;) {
    double start = now();
    sink = chains(n);
    took = now() - start;
    if (took > 0.05)
      break;
    n *= 2;
  }
  iterations = (long)(n * seconds / took) + 1;

  pthread_t ids[1024];
  pthread_barrier_init(&start_barrier, NULL, (unsigned)threads + 1);
  for (int t = 0; t < threads; ++t)
    if (pthread_create(&ids[t], NULL, worker, NULL)) {
      fprintf(stderr, "fma_peak: pthread_create failed\n");
      return 1;
    }
  pthread_barrier_wait(&start_barrier);
  double start = now();
  for (int t = 0; t < threads; ++t)
    pthread_join(ids[t], NULL);
  double wall = now() - start;
  double flops = 2.0 * LANES * CHAINS * (double)iterations * threads;
  printf("%.1f %d %s\n", flops / wall * 1e-9, LANES, ISA);
  return 0;
}
