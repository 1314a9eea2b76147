//===- RuntimeTest.cpp - The C runtime linked into compiled models --------===//
//
// Runs hand-written model descriptors through the runtime: checked runs,
// error messages, workspaces, concurrent sessions, and entry points that
// behave like the generated code of models with shapes known at run time.
//
//===----------------------------------------------------------------------===//

#include "onnxc/runtime.h"

// The runtime's allocator and its count of live blocks.
#include "internal.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <initializer_list>
#include <mutex>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

// A tiny model: y = a + b and n = a[0] * 10 + b[0] (an int64 scalar), with a
// workspace the entry fills entirely (an undersized one trips ASan) and uses
// as scratch for a.
constexpr uint64_t kWorkspaceBytes = 200;
const int64_t kShape23[] = {2, 3};

thread_local void *seenWorkspace = nullptr;
thread_local int entryCalls = 0;

void addEntry(void **args) {
  const float *a = static_cast<const float *>(args[0]);
  const float *b = static_cast<const float *>(args[1]);
  float *y = static_cast<float *>(args[2]);
  int64_t *n = static_cast<int64_t *>(args[3]);
  auto *ws = static_cast<unsigned char *>(args[4]);
  seenWorkspace = ws;
  ++entryCalls;
  std::memset(ws, 0xAB, kWorkspaceBytes);
  float *scratch = reinterpret_cast<float *>(ws);
  for (int i = 0; i < 6; ++i)
    scratch[i] = a[i];
  for (int i = 0; i < 6; ++i)
    y[i] = scratch[i] + b[i];
  *n = static_cast<int64_t>(a[0]) * 10 + static_cast<int64_t>(b[0]);
}

const onnxc_tensor_desc kAddInputs[] = {
    {"a", ONNXC_FLOAT, 2, kShape23},
    {"b", ONNXC_FLOAT, 2, kShape23},
};
const onnxc_tensor_desc kAddOutputs[] = {
    {"y", ONNXC_FLOAT, 2, kShape23},
    {"n", ONNXC_INT64, 0, nullptr},
};
const onnxc_model_desc kAddModel = {
    ONNXC_ABI_VERSION, "add", 2, 2, kAddInputs, kAddOutputs, kWorkspaceBytes,
    addEntry};

// A model with more tensors than onnxc_run_pointers() keeps on the stack
// and no workspace: out = sum of the first element of every input.
constexpr int kManyInputs = 70;
const int64_t kShape1[] = {1};

void sumEntry(void **args) {
  float sum = 0;
  for (int i = 0; i < kManyInputs; ++i)
    sum += *static_cast<const float *>(args[i]);
  *static_cast<float *>(args[kManyInputs]) = sum;
  seenWorkspace = args[kManyInputs + 1];
  ++entryCalls;
}

struct ManyModel {
  ManyModel() {
    for (int i = 0; i < kManyInputs; ++i) {
      names.push_back("x" + std::to_string(i));
    }
    for (int i = 0; i < kManyInputs; ++i)
      inputs.push_back({names[i].c_str(), ONNXC_FLOAT, 1, kShape1});
    output = {"sum", ONNXC_FLOAT, 1, kShape1};
    desc = {ONNXC_ABI_VERSION, "many", kManyInputs, 1, inputs.data(), &output,
            0, sumEntry};
  }
  std::vector<std::string> names;
  std::vector<onnxc_tensor_desc> inputs;
  onnxc_tensor_desc output;
  onnxc_model_desc desc;
};

bool contains(const char *haystack, const char *needle) {
  return std::strstr(haystack, needle) != nullptr;
}

class RuntimeTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_EQ(onnxc_session_create(&kAddModel, nullptr, &session), ONNXC_OK)
        << onnxc_last_error();
    for (int i = 0; i < 6; ++i) {
      a[i] = static_cast<float>(i + 1);
      b[i] = static_cast<float>(10 * (i + 1));
    }
  }
  void TearDown() override { onnxc_session_destroy(session); }

  onnxc_status run() {
    return onnxc_run(session, inputs, 2, outputs, 2);
  }

  onnxc_session *session = nullptr;
  float a[6], b[6], y[6] = {};
  int64_t n = 0;
  onnxc_tensor inputs[2] = {{a, ONNXC_FLOAT, 2, kShape23},
                            {b, ONNXC_FLOAT, 2, kShape23}};
  onnxc_tensor outputs[2] = {{y, ONNXC_FLOAT, 2, kShape23},
                             {&n, ONNXC_INT64, 0, nullptr}};
};

TEST_F(RuntimeTest, RunComputesOutputs) {
  ASSERT_EQ(run(), ONNXC_OK) << onnxc_last_error();
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(y[i], 11.0f * (i + 1));
  EXPECT_EQ(n, 20);
  EXPECT_STREQ(onnxc_last_error(), "");
}

TEST_F(RuntimeTest, WorkspaceIsAlignedAndReused) {
  seenWorkspace = nullptr;
  ASSERT_EQ(run(), ONNXC_OK) << onnxc_last_error();
  void *first = seenWorkspace;
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(first) % 64, 0u);
  ASSERT_EQ(run(), ONNXC_OK) << onnxc_last_error();
  EXPECT_EQ(seenWorkspace, first);
}

TEST_F(RuntimeTest, CallerWorkspace) {
  alignas(64) unsigned char buffer[kWorkspaceBytes + 64];
  onnxc_session *own = nullptr;
  ASSERT_EQ(onnxc_session_create(&kAddModel, buffer, &own), ONNXC_OK);
  ASSERT_EQ(onnxc_run(own, inputs, 2, outputs, 2), ONNXC_OK);
  EXPECT_EQ(seenWorkspace, buffer);
  EXPECT_EQ(buffer[kWorkspaceBytes - 1], 0xAB);
  onnxc_session_destroy(own);

  own = reinterpret_cast<onnxc_session *>(0x1);
  EXPECT_EQ(onnxc_session_create(&kAddModel, buffer + 8, &own),
            ONNXC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(own, nullptr);
  EXPECT_TRUE(contains(onnxc_last_error(), "64-byte aligned"))
      << onnxc_last_error();
}

TEST_F(RuntimeTest, RejectsWrongRank) {
  const int64_t shape[] = {6};
  inputs[1].rank = 1;
  inputs[1].shape = shape;
  EXPECT_EQ(run(), ONNXC_ERROR_SHAPE_MISMATCH);
  EXPECT_STREQ(onnxc_last_error(),
               "input 'b': expected shape [2,3] (float32), got [6]");
}

TEST_F(RuntimeTest, RejectsWrongDim) {
  const int64_t shape[] = {2, 4};
  inputs[0].shape = shape;
  EXPECT_EQ(run(), ONNXC_ERROR_SHAPE_MISMATCH);
  EXPECT_STREQ(onnxc_last_error(),
               "input 'a': expected shape [2,3] (float32), got [2,4]");

  inputs[0].shape = kShape23;
  const int64_t scalarAsVector[] = {1};
  outputs[1].rank = 1;
  outputs[1].shape = scalarAsVector;
  EXPECT_EQ(run(), ONNXC_ERROR_SHAPE_MISMATCH);
  EXPECT_STREQ(onnxc_last_error(),
               "output 'n': expected shape [] (int64), got [1]");
}

TEST_F(RuntimeTest, RejectsWrongDtype) {
  inputs[1].dtype = ONNXC_INT64;
  EXPECT_EQ(run(), ONNXC_ERROR_TYPE_MISMATCH);
  EXPECT_STREQ(onnxc_last_error(),
               "input 'b': expected element type float32, got int64");

  inputs[1].dtype = ONNXC_FLOAT;
  outputs[1].dtype = 42;
  EXPECT_EQ(run(), ONNXC_ERROR_TYPE_MISMATCH);
  EXPECT_TRUE(contains(onnxc_last_error(), "output 'n'")) << onnxc_last_error();
  EXPECT_TRUE(contains(onnxc_last_error(), "42")) << onnxc_last_error();
}

TEST_F(RuntimeTest, RejectsNullData) {
  outputs[0].data = nullptr;
  EXPECT_EQ(run(), ONNXC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(onnxc_last_error(), "output 'y': data is NULL");

  outputs[0].data = y;
  inputs[0].data = nullptr;
  EXPECT_EQ(run(), ONNXC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(onnxc_last_error(), "input 'a': data is NULL");
}

// The compiled code assumes its outputs overlap nothing else of the run.
TEST_F(RuntimeTest, RejectsOverlappingBuffers) {
  outputs[0].data = a; // In place over an input.
  EXPECT_EQ(run(), ONNXC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(onnxc_last_error(),
               "output 'y' overlaps input 'a' in memory; outputs and the "
               "workspace need buffers of their own");
  float both[6];
  outputs[0].data = both;
  outputs[1].data = both + 4; // Inside y's 24 bytes.
  EXPECT_EQ(run(), ONNXC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(onnxc_last_error(),
               "output 'n' overlaps output 'y' in memory; outputs and the "
               "workspace need buffers of their own");
  // Inputs may share memory: they are only read.
  outputs[0].data = y;
  outputs[1].data = &n;
  inputs[1].data = a;
  ASSERT_EQ(run(), ONNXC_OK) << onnxc_last_error();
  EXPECT_EQ(y[0], 2.0f);
}

TEST_F(RuntimeTest, RejectsNullShapeForNonScalar) {
  inputs[0].shape = nullptr;
  EXPECT_EQ(run(), ONNXC_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(onnxc_last_error(), "input 'a'")) << onnxc_last_error();
}

TEST_F(RuntimeTest, RejectsWrongCountsAndNulls) {
  entryCalls = 0;
  EXPECT_EQ(onnxc_run(session, inputs, 1, outputs, 2),
            ONNXC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(onnxc_last_error(), "expected 2 inputs, got 1");
  EXPECT_EQ(onnxc_run(session, inputs, 2, outputs, 3),
            ONNXC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(onnxc_last_error(), "expected 2 outputs, got 3");
  EXPECT_EQ(onnxc_run(session, nullptr, 2, outputs, 2),
            ONNXC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(onnxc_run(nullptr, inputs, 2, outputs, 2),
            ONNXC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(entryCalls, 0);
  // A successful run clears the message.
  EXPECT_NE(std::string(onnxc_last_error()), "");
  EXPECT_EQ(run(), ONNXC_OK);
  EXPECT_STREQ(onnxc_last_error(), "");
}

TEST(RuntimeSessionTest, RejectsAbiMismatchAndBadDescriptors) {
  onnxc_session *session = nullptr;
  onnxc_model_desc desc = kAddModel;
  desc.abi_version = ONNXC_ABI_VERSION + 1;
  EXPECT_EQ(onnxc_session_create(&desc, nullptr, &session),
            ONNXC_ERROR_ABI_MISMATCH);
  EXPECT_EQ(session, nullptr);
  std::string message = onnxc_last_error();
  EXPECT_NE(message.find("'add'"), std::string::npos) << message;
  EXPECT_NE(message.find("version " + std::to_string(ONNXC_ABI_VERSION + 1)),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("version " + std::to_string(ONNXC_ABI_VERSION)),
            std::string::npos)
      << message;

  void *in[2] = {nullptr, nullptr}, *out[2] = {nullptr, nullptr};
  EXPECT_EQ(onnxc_run_pointers(&desc, in, out, nullptr),
            ONNXC_ERROR_ABI_MISMATCH);

  EXPECT_EQ(onnxc_session_create(nullptr, nullptr, &session),
            ONNXC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(onnxc_session_create(&kAddModel, nullptr, nullptr),
            ONNXC_ERROR_INVALID_ARGUMENT);
  desc = kAddModel;
  desc.entry = nullptr;
  EXPECT_EQ(onnxc_session_create(&desc, nullptr, &session),
            ONNXC_ERROR_INVALID_ARGUMENT);
  desc = kAddModel;
  desc.num_inputs = -1;
  EXPECT_EQ(onnxc_session_create(&desc, nullptr, &session),
            ONNXC_ERROR_INVALID_ARGUMENT);
  onnxc_session_destroy(nullptr);
}

TEST(RuntimePointersTest, RunsAndAllocatesWorkspace) {
  float a[6] = {1, 2, 3, 4, 5, 6}, b[6] = {6, 5, 4, 3, 2, 1}, y[6] = {};
  int64_t n = 0;
  void *in[2] = {a, b}, *out[2] = {y, &n};
  seenWorkspace = nullptr;
  ASSERT_EQ(onnxc_run_pointers(&kAddModel, in, out, nullptr), ONNXC_OK)
      << onnxc_last_error();
  for (float v : y)
    EXPECT_EQ(v, 7.0f);
  EXPECT_EQ(n, 16);
  ASSERT_NE(seenWorkspace, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(seenWorkspace) % 64, 0u);

  alignas(64) unsigned char buffer[kWorkspaceBytes];
  ASSERT_EQ(onnxc_run_pointers(&kAddModel, in, out, buffer), ONNXC_OK);
  EXPECT_EQ(seenWorkspace, buffer);
  EXPECT_EQ(onnxc_run_pointers(&kAddModel, in, out, buffer + 4),
            ONNXC_ERROR_INVALID_ARGUMENT);
}

TEST(RuntimePointersTest, RejectsNull) {
  float a[6] = {}, y[6] = {};
  int64_t n = 0;
  void *in[2] = {a, nullptr}, *out[2] = {y, &n};
  entryCalls = 0;
  EXPECT_EQ(onnxc_run_pointers(&kAddModel, in, out, nullptr),
            ONNXC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(onnxc_last_error(), "input 'b': data is NULL");
  in[1] = a;
  out[1] = nullptr;
  EXPECT_EQ(onnxc_run_pointers(&kAddModel, in, out, nullptr),
            ONNXC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(onnxc_last_error(), "output 'n': data is NULL");
  EXPECT_EQ(onnxc_run_pointers(&kAddModel, nullptr, out, nullptr),
            ONNXC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(onnxc_run_pointers(nullptr, in, out, nullptr),
            ONNXC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(entryCalls, 0);
}

TEST(RuntimeManyTensorsTest, RunsBeyondTheStackArray) {
  ManyModel model;
  std::vector<float> values(kManyInputs);
  std::vector<void *> in(kManyInputs);
  std::vector<onnxc_tensor> tensors(kManyInputs);
  for (int i = 0; i < kManyInputs; ++i) {
    values[i] = static_cast<float>(i);
    in[i] = &values[i];
    tensors[i] = {&values[i], ONNXC_FLOAT, 1, kShape1};
  }
  float sum = -1;
  void *out[1] = {&sum};
  seenWorkspace = &sum;
  ASSERT_EQ(onnxc_run_pointers(&model.desc, in.data(), out, nullptr), ONNXC_OK)
      << onnxc_last_error();
  EXPECT_EQ(sum, kManyInputs * (kManyInputs - 1) / 2.0f);
  EXPECT_EQ(seenWorkspace, nullptr); // workspace_bytes == 0

  onnxc_session *session = nullptr;
  ASSERT_EQ(onnxc_session_create(&model.desc, nullptr, &session), ONNXC_OK);
  sum = -1;
  onnxc_tensor output = {&sum, ONNXC_FLOAT, 1, kShape1};
  ASSERT_EQ(onnxc_run(session, tensors.data(), kManyInputs, &output, 1),
            ONNXC_OK)
      << onnxc_last_error();
  EXPECT_EQ(sum, kManyInputs * (kManyInputs - 1) / 2.0f);

  tensors[65].shape = kShape23;
  EXPECT_EQ(onnxc_run(session, tensors.data(), kManyInputs, &output, 1),
            ONNXC_ERROR_SHAPE_MISMATCH);
  EXPECT_STREQ(onnxc_last_error(),
               "input 'x65': expected shape [1] (float32), got [2]");
  onnxc_session_destroy(session);
}

TEST(RuntimeThreadsTest, SessionsRunConcurrently) {
  constexpr int kIterations = 2000;
  std::atomic<int> failures{0};
  void *workspaces[2] = {nullptr, nullptr};
  auto worker = [&](int id) {
    onnxc_session *session = nullptr;
    if (onnxc_session_create(&kAddModel, nullptr, &session) != ONNXC_OK) {
      ++failures;
      return;
    }
    float a[6], b[6], y[6];
    int64_t n;
    onnxc_tensor in[2] = {{a, ONNXC_FLOAT, 2, kShape23},
                          {b, ONNXC_FLOAT, 2, kShape23}};
    onnxc_tensor out[2] = {{y, ONNXC_FLOAT, 2, kShape23},
                           {&n, ONNXC_INT64, 0, nullptr}};
    for (int it = 0; it < kIterations; ++it) {
      for (int i = 0; i < 6; ++i) {
        a[i] = static_cast<float>(id * 1000 + it % 100 + i);
        b[i] = static_cast<float>(i);
      }
      if (onnxc_run(session, in, 2, out, 2) != ONNXC_OK)
        ++failures;
      for (int i = 0; i < 6; ++i)
        if (y[i] != a[i] + b[i])
          ++failures;
      if (it == 0)
        workspaces[id] = seenWorkspace;
      else if (seenWorkspace != workspaces[id])
        ++failures;
    }
    // A failing run on one thread leaves the other thread's message alone.
    if (id == 1 && onnxc_run(session, in, 1, out, 2) == ONNXC_OK)
      ++failures;
    onnxc_session_destroy(session);
  };
  std::thread t0(worker, 0), t1(worker, 1);
  t0.join();
  t1.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_NE(workspaces[0], nullptr);
  EXPECT_NE(workspaces[0], workspaces[1]);

  std::string threadError = "unset";
  std::thread([&] {
    onnxc_run(nullptr, nullptr, 0, nullptr, 0);
    threadError = onnxc_last_error();
  }).join();
  EXPECT_EQ(threadError, "session is NULL");
  onnxc_session *session = nullptr;
  ASSERT_EQ(onnxc_session_create(&kAddModel, nullptr, &session), ONNXC_OK);
  EXPECT_STREQ(onnxc_last_error(), "");
  onnxc_session_destroy(session);
}

/// Records every [begin, end) chunk a parallel loop ran.
struct ChunkLog {
  std::mutex lock;
  std::vector<std::pair<int64_t, int64_t>> chunks;
};

static void logChunk(void **args, int64_t begin, int64_t end) {
  auto *log = static_cast<ChunkLog *>(args[0]);
  std::lock_guard<std::mutex> guard(log->lock);
  log->chunks.push_back({begin, end});
}

/// The chunks cover [0, total) exactly once; all but the last hold at least
/// `grain` iterations.
static void expectCover(ChunkLog &log, int64_t total, int64_t grain) {
  std::sort(log.chunks.begin(), log.chunks.end());
  int64_t next = 0;
  for (size_t i = 0; i < log.chunks.size(); ++i) {
    auto [begin, end] = log.chunks[i];
    EXPECT_EQ(begin, next);
    EXPECT_LT(begin, end);
    if (i + 1 < log.chunks.size()) {
      EXPECT_GE(end - begin, grain);
    }
    next = end;
  }
  EXPECT_EQ(next, total);
}

TEST(RuntimeParallelForTest, ChunksCoverTheRangeWithTheGrain) {
  onnxc_set_num_threads(2);
  for (auto [total, grain] : std::vector<std::pair<int64_t, int64_t>>{
           {1000, 1}, {1000, 100}, {1000, 999}, {7, 3}, {1, 1}, {64, 64}}) {
    ChunkLog log;
    void *args[1] = {&log};
    onnxc_parallel_for(logChunk, args, total, grain);
    expectCover(log, total, grain);
    // A range of at most one grain runs as one call on the caller.
    if (total <= grain) {
      EXPECT_EQ(log.chunks.size(), 1u);
    }
  }
  // Back-to-back loops (a model's kernels) reuse the pool's workers.
  for (int i = 0; i < 2000; ++i) {
    ChunkLog log;
    void *args[1] = {&log};
    onnxc_parallel_for(logChunk, args, 64, 4);
    expectCover(log, 64, 4);
  }
  onnxc_set_num_threads(0);
}

TEST(RuntimeHelpersTest, Lookups) {
  EXPECT_EQ(onnxc_find_input(&kAddModel, "a"), 0);
  EXPECT_EQ(onnxc_find_input(&kAddModel, "b"), 1);
  EXPECT_EQ(onnxc_find_input(&kAddModel, "y"), -1);
  EXPECT_EQ(onnxc_find_output(&kAddModel, "n"), 1);
  EXPECT_EQ(onnxc_find_output(&kAddModel, "zz"), -1);
  EXPECT_EQ(onnxc_find_input(nullptr, "a"), -1);
  EXPECT_EQ(onnxc_find_input(&kAddModel, nullptr), -1);

  EXPECT_EQ(onnxc_tensor_desc_elements(&kAddInputs[0]), 6);
  EXPECT_EQ(onnxc_tensor_desc_elements(&kAddOutputs[1]), 1);
  EXPECT_EQ(onnxc_tensor_desc_elements(nullptr), -1);
}

TEST(RuntimeHelpersTest, Dtypes) {
  struct {
    int32_t dtype;
    const char *name;
    size_t size;
  } cases[] = {
      {ONNXC_FLOAT, "float32", 4},  {ONNXC_UINT8, "uint8", 1},
      {ONNXC_INT8, "int8", 1},      {ONNXC_UINT16, "uint16", 2},
      {ONNXC_INT16, "int16", 2},    {ONNXC_INT32, "int32", 4},
      {ONNXC_INT64, "int64", 8},    {ONNXC_BOOL, "bool", 1},
      {ONNXC_FLOAT16, "float16", 2}, {ONNXC_DOUBLE, "float64", 8},
      {ONNXC_UINT32, "uint32", 4},  {ONNXC_UINT64, "uint64", 8},
      {ONNXC_BFLOAT16, "bfloat16", 2},
  };
  for (const auto &c : cases) {
    EXPECT_STREQ(onnxc_dtype_name(c.dtype), c.name);
    EXPECT_EQ(onnxc_dtype_size(c.dtype), c.size) << c.name;
  }
  for (int32_t unknown : {0, 8, 14, 17, -1}) {
    EXPECT_STREQ(onnxc_dtype_name(unknown), "unknown");
    EXPECT_EQ(onnxc_dtype_size(unknown), 0u);
  }
}

} // namespace

//===----------------------------------------------------------------------===//
// External weights (--weights=external)
//===----------------------------------------------------------------------===//

namespace {

// A model whose entry reads its constant through the weights base pointer,
// as compiled code does: y = x + w[0..3].
const void *weightsBase = nullptr;

void weightsEntry(void **args) {
  const float *x = static_cast<const float *>(args[0]);
  const float *w = static_cast<const float *>(weightsBase);
  float *y = static_cast<float *>(args[1]);
  for (int i = 0; i < 4; ++i)
    y[i] = x[i] + w[i];
}

const int64_t kShape4[] = {4};
const onnxc_tensor_desc kWeightsInput = {"x", ONNXC_FLOAT, 1, kShape4};
const onnxc_tensor_desc kWeightsOutput = {"y", ONNXC_FLOAT, 1, kShape4};
// 100 bytes of data: 4 floats, then bytes that are not a multiple of the
// checksum's word, to cover its tail.
constexpr uint64_t kWeightsBytes = 100;

std::vector<unsigned char> weightsData() {
  std::vector<unsigned char> data(kWeightsBytes);
  const float w[4] = {10, 20, 30, 40};
  std::memcpy(data.data(), w, sizeof(w));
  for (size_t i = sizeof(w); i < data.size(); ++i)
    data[i] = static_cast<unsigned char>(i * 7);
  return data;
}

/// The file onnx-compile writes: header, then the data.
std::string weightsFile(const std::vector<unsigned char> &data,
                        uint64_t checksum) {
  std::string file(64, '\0');
  std::memcpy(&file[0], "ONNXCWTS", 8);
  uint32_t version = 1, headerBytes = 64;
  uint64_t bytes = data.size();
  std::memcpy(&file[8], &version, 4);
  std::memcpy(&file[12], &headerBytes, 4);
  std::memcpy(&file[16], &bytes, 8);
  std::memcpy(&file[24], &checksum, 8);
  file.append(reinterpret_cast<const char *>(data.data()), data.size());
  return file;
}

class RuntimeWeightsTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::vector<unsigned char> data = weightsData();
    checksum = onnxc_weights_checksum(data.data(), data.size());
    weights = {"weights-test.weights", kWeightsBytes, checksum, &weightsBase};
    desc = {ONNXC_ABI_VERSION, "wmodel", 1, 1, &kWeightsInput,
            &kWeightsOutput, 0, weightsEntry, &weights};
    path = ::testing::TempDir() + "onnxc-weights-" +
           std::to_string(reinterpret_cast<uintptr_t>(this)) + ".weights";
    write(weightsFile(data, checksum));
  }
  void TearDown() override { std::remove(path.c_str()); }

  void write(const std::string &contents) {
    FILE *f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(contents.data(), 1, contents.size(), f);
    std::fclose(f);
  }

  /// Loads `path`, expecting ONNXC_ERROR_WEIGHTS with `why` in the message.
  void expectRefused(const char *why) {
    EXPECT_EQ(onnxc_weights_load(&desc, path.c_str()), ONNXC_ERROR_WEIGHTS);
    std::string message = onnxc_last_error();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find(why), std::string::npos) << message;
    EXPECT_EQ(weightsBase, nullptr);
  }

  uint64_t checksum = 0;
  onnxc_weights_desc weights;
  onnxc_model_desc desc;
  std::string path;
};

TEST_F(RuntimeWeightsTest, ChecksumCoversEveryWordAndTheLength) {
  std::vector<unsigned char> data = weightsData();
  for (size_t i : {0, 7, 8, 33, 99}) {
    std::vector<unsigned char> changed = data;
    changed[i] ^= 0x40;
    EXPECT_NE(onnxc_weights_checksum(changed.data(), changed.size()), checksum)
        << "byte " << i;
  }
  EXPECT_NE(onnxc_weights_checksum(data.data(), data.size() - 1), checksum);
  // Zeros of different lengths differ too.
  std::vector<unsigned char> zeros(64, 0);
  EXPECT_NE(onnxc_weights_checksum(zeros.data(), 56),
            onnxc_weights_checksum(zeros.data(), 64));
}

TEST_F(RuntimeWeightsTest, SessionsShareOneMapping) {
  ASSERT_EQ(onnxc_weights_load(&desc, path.c_str()), ONNXC_OK)
      << onnxc_last_error();
  const void *mapped = weightsBase;
  ASSERT_NE(mapped, nullptr);
  // Sessions take references to the mapping the explicit load made.
  onnxc_session *a = nullptr, *b = nullptr;
  ASSERT_EQ(onnxc_session_create(&desc, nullptr, &a), ONNXC_OK);
  ASSERT_EQ(onnxc_session_create(&desc, nullptr, &b), ONNXC_OK);
  EXPECT_EQ(weightsBase, mapped);
  float x[4] = {1, 2, 3, 4}, y[4] = {};
  onnxc_tensor in = {x, ONNXC_FLOAT, 1, kShape4};
  onnxc_tensor out = {y, ONNXC_FLOAT, 1, kShape4};
  ASSERT_EQ(onnxc_run(a, &in, 1, &out, 1), ONNXC_OK) << onnxc_last_error();
  EXPECT_EQ(y[0], 11);
  EXPECT_EQ(y[3], 44);
  onnxc_session_destroy(a);
  onnxc_weights_release(&desc);
  EXPECT_EQ(weightsBase, mapped); // b still holds it
  onnxc_session_destroy(b);
  EXPECT_EQ(weightsBase, nullptr); // the last reference unmaps
}

TEST_F(RuntimeWeightsTest, SessionFindsTheFileBesideTheProgram) {
  // The test executable is the "library" holding the descriptor, which
  // must live in its static data, as a compiled model's does.
  static onnxc_weights_desc staticWeights;
  static onnxc_model_desc staticDesc;
  staticWeights = weights;
  staticWeights.file_name = "onnxc-no-such-weights-file.weights";
  staticDesc = desc;
  staticDesc.weights = &staticWeights;
  onnxc_session *s = nullptr;
  EXPECT_EQ(onnxc_session_create(&staticDesc, nullptr, &s),
            ONNXC_ERROR_WEIGHTS);
  EXPECT_EQ(s, nullptr);
  std::string message = onnxc_last_error();
  EXPECT_NE(message.find("model 'wmodel': cannot open its weights file"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("/onnxc-no-such-weights-file.weights"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("No such file"), std::string::npos) << message;
}

TEST_F(RuntimeWeightsTest, TypedRunMapsOnFirstUse) {
  ASSERT_EQ(onnxc_weights_load(&desc, path.c_str()), ONNXC_OK);
  onnxc_weights_release(&desc);
  ASSERT_EQ(weightsBase, nullptr);
  // Not beside the program: the typed run reports the weights error.
  float x[4] = {1, 2, 3, 4}, y[4] = {};
  void *inputs[] = {x}, *outputs[] = {y};
  weights.file_name = "onnxc-no-such-weights-file.weights";
  EXPECT_EQ(onnxc_run_pointers(&desc, inputs, outputs, nullptr),
            ONNXC_ERROR_WEIGHTS);
  // Loaded from elsewhere first, the typed run uses that mapping.
  ASSERT_EQ(onnxc_weights_load(&desc, path.c_str()), ONNXC_OK);
  EXPECT_EQ(onnxc_run_pointers(&desc, inputs, outputs, nullptr), ONNXC_OK);
  EXPECT_EQ(y[1], 22);
  onnxc_weights_release(&desc);
}

TEST_F(RuntimeWeightsTest, RefusesMissingTruncatedAndForeignFiles) {
  std::vector<unsigned char> data = weightsData();
  std::string good = weightsFile(data, checksum);

  std::remove(path.c_str());
  expectRefused("No such file");

  write(good.substr(0, 80));
  expectRefused("has 80 bytes, the model expects 164 (truncated");

  write(good + "extra");
  expectRefused("has 169 bytes, the model expects 164 (from another build)");

  std::string magic = good;
  magic[0] = 'X';
  write(magic);
  expectRefused("not an onnx-compile weights file");

  std::string version = good;
  version[8] = 2;
  write(version);
  expectRefused("unknown weights file format version");

  // Another model's file of the same size: its header's checksum differs.
  std::vector<unsigned char> other = data;
  other[0] ^= 1;
  write(weightsFile(other, onnxc_weights_checksum(other.data(), other.size())));
  expectRefused("the weights of another model or build");

  // Right header, data changed afterwards.
  std::string corrupted = good;
  corrupted[64 + 50] ^= 1;
  write(corrupted);
  expectRefused("corrupted");

  // A folder is not a weights file.
  EXPECT_EQ(onnxc_weights_load(&desc, ::testing::TempDir().c_str()),
            ONNXC_ERROR_WEIGHTS);
}

TEST_F(RuntimeWeightsTest, EmbeddedWeightsNeedNothing) {
  desc.weights = nullptr;
  EXPECT_EQ(onnxc_weights_load(&desc, "/nonexistent"), ONNXC_OK);
  onnxc_weights_release(&desc);
  EXPECT_EQ(onnxc_weights_load(nullptr, nullptr),
            ONNXC_ERROR_INVALID_ARGUMENT);
}

} // namespace

namespace {

// A model with an empty input and an empty output (a dim of 0) next to a
// non-empty output: NULL data is fine for the empty ones, never for others.
const int64_t kShape03[] = {0, 3};
void emptyEntry(void **args) {
  float *y = static_cast<float *>(args[2]);
  y[0] = 7;
}
const onnxc_tensor_desc kEmptyInput = {"e", ONNXC_FLOAT, 2, kShape03};
const onnxc_tensor_desc kEmptyOutputs[] = {{"f", ONNXC_FLOAT, 2, kShape03},
                                           {"y", ONNXC_FLOAT, 1, kShape1}};
const onnxc_model_desc kEmptyModel = {
    ONNXC_ABI_VERSION, "empty", 1, 2, &kEmptyInput, kEmptyOutputs, 0,
    emptyEntry};

TEST(RuntimeZeroSizedTest, NullDataForTensorsWithoutElements) {
  onnxc_session *s = nullptr;
  ASSERT_EQ(onnxc_session_create(&kEmptyModel, nullptr, &s), ONNXC_OK);
  float y = 0;
  onnxc_tensor in = {nullptr, ONNXC_FLOAT, 2, kShape03};
  onnxc_tensor out[] = {{nullptr, ONNXC_FLOAT, 2, kShape03},
                        {&y, ONNXC_FLOAT, 1, kShape1}};
  EXPECT_EQ(onnxc_run(s, &in, 1, out, 2), ONNXC_OK) << onnxc_last_error();
  EXPECT_EQ(y, 7);
  out[1].data = nullptr;
  EXPECT_EQ(onnxc_run(s, &in, 1, out, 2), ONNXC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(onnxc_last_error(), "output 'y': data is NULL");
  // The wrong shape is still one, empty or not.
  const int64_t shape13[] = {1, 3};
  in.shape = shape13;
  EXPECT_EQ(onnxc_run(s, &in, 1, out, 2), ONNXC_ERROR_SHAPE_MISMATCH);
  onnxc_session_destroy(s);

  void *inputs[] = {nullptr};
  void *outputs[] = {nullptr, &y};
  EXPECT_EQ(onnxc_run_pointers(&kEmptyModel, inputs, outputs, nullptr),
            ONNXC_OK)
      << onnxc_last_error();
  outputs[1] = nullptr;
  EXPECT_EQ(onnxc_run_pointers(&kEmptyModel, inputs, outputs, nullptr),
            ONNXC_ERROR_INVALID_ARGUMENT);
}

} // namespace

//===----------------------------------------------------------------------===//
// Shapes known only at run time (ABI 3)
//===----------------------------------------------------------------------===//
//
// Hand-written entry points that do what the generated code of a model with
// -1 dims does: read the inputs' dims from the shape pointers after the
// workspace, allocate dynamic outputs with onnxc_memref_alloc and
// fill their records, call onnxc_fail when a run-time check fails.

namespace {

/// The entry arguments of a model with `ni` inputs and `no` outputs.
struct Args {
  Args(void **args, int ni, int no) : args(args), ni(ni), no(no) {}
  template <typename T> T *input(int i) { return static_cast<T *>(args[i]); }
  int64_t *record(int i) { return static_cast<int64_t *>(args[ni + i]); }
  template <typename T> T *output(int i) {
    return static_cast<T *>(args[ni + i]);
  }
  void *workspace() { return args[ni + no]; }
  const int64_t *shape(int i) {
    return static_cast<const int64_t *>(args[ni + no + 1 + i]);
  }
  void **args;
  int ni, no;
};

template <typename T> T *allocate(int64_t elements) {
  return static_cast<T *>(
      onnxc_memref_alloc(static_cast<uint64_t>(elements) * sizeof(T)));
}

void fill(int64_t *record, const void *data, std::initializer_list<int64_t> dims) {
  record[0] = reinterpret_cast<int64_t>(data);
  int k = 1;
  for (int64_t d : dims)
    record[k++] = d;
}

// y = x + 1 over x: float32[N,3], y sized at run time like x.
void incEntry(void **raw) {
  Args a(raw, 1, 1);
  const int64_t *dims = a.shape(0);
  int64_t n = dims[0] * dims[1];
  float *y = allocate<float>(n);
  for (int64_t i = 0; i < n; ++i)
    y[i] = a.input<float>(0)[i] + 1;
  fill(a.record(0), y, {dims[0], dims[1]});
}

const int64_t kShapeN3[] = {-1, 3};
const char *const kParamsN3[] = {"N", nullptr};
const onnxc_tensor_desc kIncInput = {"x", ONNXC_FLOAT, 2, kShapeN3, kParamsN3};
const onnxc_tensor_desc kIncOutput = {"y", ONNXC_FLOAT, 2, kShapeN3,
                                      kParamsN3};
const onnxc_model_desc kIncModel = {
    ONNXC_ABI_VERSION, "inc",   1,       1,      &kIncInput,
    &kIncOutput,       0,       incEntry, nullptr, ONNXC_MODEL_DYNAMIC};

// masked = ids * mask over [batch, seq] (both named, shared by the inputs),
// and a static output: total, the sum of masked. Uses a scratch block it
// frees, as generated code does for intermediates.
void maskedEntry(void **raw) {
  Args a(raw, 2, 2);
  const int64_t *dims = a.shape(0);
  int64_t n = dims[0] * dims[1];
  double *scratch = allocate<double>(n);
  float *masked = allocate<float>(n);
  float total = 0;
  for (int64_t i = 0; i < n; ++i) {
    scratch[i] = static_cast<double>(a.input<int64_t>(0)[i]);
    masked[i] = static_cast<float>(scratch[i]) * a.input<float>(1)[i];
    total += masked[i];
  }
  onnxc_memref_free(scratch);
  fill(a.record(0), masked, {dims[0], dims[1]});
  *a.output<float>(1) = total;
}

const int64_t kShapeBS[] = {-1, -1};
const char *const kParamsBS[] = {"batch", "seq"};
const int64_t kShapeScalar[] = {0}; // unused: rank 0
const onnxc_tensor_desc kMaskedInputs[] = {
    {"ids", ONNXC_INT64, 2, kShapeBS, kParamsBS},
    {"mask", ONNXC_FLOAT, 2, kShapeBS, kParamsBS},
};
const onnxc_tensor_desc kMaskedOutputs[] = {
    {"masked", ONNXC_FLOAT, 2, kShapeBS, kParamsBS},
    {"total", ONNXC_FLOAT, 0, kShapeScalar, nullptr},
};
const onnxc_model_desc kMaskedModel = {
    ONNXC_ABI_VERSION, "masked", 2,           2,      kMaskedInputs,
    kMaskedOutputs,    0,        maskedEntry, nullptr, ONNXC_MODEL_DYNAMIC};

// y = a + b over a: [N], b: [M] (different names), with the run-time check
// N == M that the compiler emits, after allocating.
void checkedEntry(void **raw) {
  Args a(raw, 2, 1);
  int64_t n = a.shape(0)[0], m = a.shape(1)[0];
  float *y = allocate<float>(n);
  float *scratch = allocate<float>(n + 5);
  (void)scratch; // left for the runtime to free
  if (n != m) {
    char message[200];
    std::snprintf(message, sizeof message,
                  "node 'sum' (Add): input 'b' dim 0 is %lld, expected %lld "
                  "(as input 'a' dim 0)",
                  static_cast<long long>(m), static_cast<long long>(n));
    onnxc_fail(message);
  }
  for (int64_t i = 0; i < n; ++i)
    y[i] = a.input<float>(0)[i] + a.input<float>(1)[i];
  onnxc_memref_free(scratch);
  fill(a.record(0), y, {n});
}

const int64_t kShapeDyn1[] = {-1};
const char *const kParamsN[] = {"N"};
const char *const kParamsM[] = {"M"};
const onnxc_tensor_desc kCheckedInputs[] = {
    {"a", ONNXC_FLOAT, 1, kShapeDyn1, kParamsN},
    {"b", ONNXC_FLOAT, 1, kShapeDyn1, kParamsM},
};
const onnxc_tensor_desc kCheckedOutput = {"y", ONNXC_FLOAT, 1, kShapeDyn1,
                                          kParamsN};
const onnxc_model_desc kCheckedModel = {
    ONNXC_ABI_VERSION, "checked", 2,       1,      kCheckedInputs,
    &kCheckedOutput,   0,         checkedEntry, nullptr, ONNXC_MODEL_DYNAMIC};

// Data-dependent: the indices of the positive elements of x: [N] (NonZero).
void positivesEntry(void **raw) {
  Args a(raw, 1, 1);
  int64_t n = a.shape(0)[0], count = 0;
  const float *x = a.input<float>(0);
  for (int64_t i = 0; i < n; ++i)
    count += x[i] > 0;
  int64_t *indices = allocate<int64_t>(count);
  for (int64_t i = 0, k = 0; i < n; ++i)
    if (x[i] > 0)
      indices[k++] = i;
  fill(a.record(0), indices, {count});
}

const onnxc_tensor_desc kPositivesInput = {"x", ONNXC_FLOAT, 1, kShapeDyn1,
                                           kParamsN};
const onnxc_tensor_desc kPositivesOutput = {"indices", ONNXC_INT64, 1,
                                            kShapeDyn1, nullptr};
const onnxc_model_desc kPositivesModel = {
    ONNXC_ABI_VERSION, "positives", 1,     1,      &kPositivesInput,
    &kPositivesOutput, 0,           positivesEntry, nullptr,
    ONNXC_MODEL_DYNAMIC};

// Asks for more memory than there is, after a block of its own.
void oomEntry(void **raw) {
  Args a(raw, 1, 1);
  float *y = allocate<float>(a.shape(0)[0]);
  (void)y;
  onnxc_memref_alloc(~uint64_t(0) - 63);
  ADD_FAILURE() << "the allocation failure did not end the run";
}

const onnxc_model_desc kOomModel = {
    ONNXC_ABI_VERSION, "oom", 1,       1,      &kPositivesInput,
    &kIncOutput,       0,     oomEntry, nullptr, ONNXC_MODEL_DYNAMIC};

// Records that point elsewhere than a block of their own: "same" at the
// input (an Identity), "first" and "second" at one block, "tail" into the
// middle of a block.
void aliasEntry(void **raw) {
  Args a(raw, 1, 4);
  int64_t n = a.shape(0)[0];
  const float *x = a.input<float>(0);
  float *twice = allocate<float>(n);
  float *shifted = allocate<float>(n);
  for (int64_t i = 0; i < n; ++i) {
    twice[i] = 2 * x[i];
    shifted[i] = x[i] + 100;
  }
  fill(a.record(0), x, {n});
  fill(a.record(1), twice, {n});
  fill(a.record(2), twice, {n});
  fill(a.record(3), shifted + 1, {n - 1});
}

const onnxc_tensor_desc kAliasOutputs[] = {
    {"same", ONNXC_FLOAT, 1, kShapeDyn1, kParamsN},
    {"first", ONNXC_FLOAT, 1, kShapeDyn1, kParamsN},
    {"second", ONNXC_FLOAT, 1, kShapeDyn1, kParamsN},
    {"tail", ONNXC_FLOAT, 1, kShapeDyn1, nullptr},
};
const onnxc_model_desc kAliasModel = {
    ONNXC_ABI_VERSION, "alias", 1,          4,      &kPositivesInput,
    kAliasOutputs,     0,       aliasEntry, nullptr, ONNXC_MODEL_DYNAMIC};

// A static model whose code still allocates an intermediate and checks a
// value at run time: y = x * 2 over float32[2]; fails when x[0] < 0.
void staticCheckedEntry(void **raw) {
  Args a(raw, 1, 1);
  EXPECT_EQ(a.shape(0)[0], 2); // the descriptor's dims
  const float *x = a.input<float>(0);
  float *tmp = allocate<float>(2);
  if (x[0] < 0)
    onnxc_fail("node 'check': x[0] is negative");
  for (int i = 0; i < 2; ++i)
    tmp[i] = x[i] * 2;
  for (int i = 0; i < 2; ++i)
    a.output<float>(0)[i] = tmp[i];
  onnxc_memref_free(tmp);
}

const int64_t kShape2[] = {2};
const onnxc_tensor_desc kStatic2 = {"x", ONNXC_FLOAT, 1, kShape2, nullptr};
const onnxc_tensor_desc kStatic2Out = {"y", ONNXC_FLOAT, 1, kShape2, nullptr};
const onnxc_model_desc kStaticCheckedModel = {
    ONNXC_ABI_VERSION, "static_checked", 1, 1, &kStatic2, &kStatic2Out, 0,
    staticCheckedEntry};

class RuntimeDynamicTest : public ::testing::Test {
protected:
  void SetUp() override {
    liveBefore = onnxc_live_blocks_();
    cachedBefore = onnxc_cached_blocks_();
  }
  void TearDown() override {
    for (onnxc_session *s : sessions)
      onnxc_session_destroy(s);
    // Every block of every run was freed or handed out and freed, and the
    // sessions freed the blocks they kept.
    EXPECT_EQ(onnxc_live_blocks_(), liveBefore);
    EXPECT_EQ(onnxc_cached_blocks_(), cachedBefore);
  }

  onnxc_session *open(const onnxc_model_desc &desc) {
    onnxc_session *s = nullptr;
    EXPECT_EQ(onnxc_session_create(&desc, nullptr, &s), ONNXC_OK)
        << onnxc_last_error();
    sessions.push_back(s);
    return s;
  }

  std::string error() const { return onnxc_last_error(); }

  int64_t liveBefore = 0, cachedBefore = 0;
  std::vector<onnxc_session *> sessions;
};

TEST_F(RuntimeDynamicTest, RunAllocReturnsShapesAndData) {
  onnxc_session *s = open(kIncModel);
  for (int64_t rows : {1, 4, 0}) {
    std::vector<float> x(static_cast<size_t>(rows * 3));
    for (size_t i = 0; i < x.size(); ++i)
      x[i] = static_cast<float>(i);
    const int64_t shape[] = {rows, 3};
    onnxc_tensor in = {rows ? x.data() : nullptr, ONNXC_FLOAT, 2, shape};
    onnxc_tensor out = {};
    ASSERT_EQ(onnxc_run_alloc(s, &in, 1, &out, 1), ONNXC_OK) << error();
    ASSERT_NE(out.data, nullptr); // even without elements
    EXPECT_EQ(reinterpret_cast<uintptr_t>(out.data) % 64, 0u);
    EXPECT_EQ(out.dtype, ONNXC_FLOAT);
    ASSERT_EQ(out.rank, 2);
    EXPECT_EQ(out.shape[0], rows);
    EXPECT_EQ(out.shape[1], 3);
    for (size_t i = 0; i < x.size(); ++i)
      EXPECT_EQ(static_cast<float *>(out.data)[i], x[i] + 1);
    onnxc_free(out.data);
  }
  onnxc_free(nullptr);
}

TEST_F(RuntimeDynamicTest, MixedStaticAndDynamicOutputs) {
  onnxc_session *s = open(kMaskedModel);
  int64_t ids[6] = {1, 2, 3, 4, 5, 6};
  float mask[6] = {1, 0, 1, 0, 1, 0};
  const int64_t shape[] = {2, 3};
  onnxc_tensor in[] = {{ids, ONNXC_INT64, 2, shape},
                       {mask, ONNXC_FLOAT, 2, shape}};
  onnxc_tensor out[2] = {};
  ASSERT_EQ(onnxc_run_alloc(s, in, 2, out, 2), ONNXC_OK) << error();
  ASSERT_EQ(out[0].rank, 2);
  EXPECT_EQ(out[0].shape[0], 2);
  EXPECT_EQ(out[0].shape[1], 3);
  EXPECT_EQ(static_cast<float *>(out[0].data)[2], 3.0f);
  EXPECT_EQ(static_cast<float *>(out[0].data)[1], 0.0f);
  EXPECT_EQ(out[1].rank, 0);
  EXPECT_EQ(out[1].dtype, ONNXC_FLOAT);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(out[1].data) % 64, 0u);
  EXPECT_EQ(*static_cast<float *>(out[1].data), 9.0f);
  onnxc_free(out[0].data);
  onnxc_free(out[1].data);

  // The same through onnxc_run into the caller's buffers.
  float masked[6] = {}, total = 0;
  onnxc_tensor given[] = {{masked, ONNXC_FLOAT, 2, shape},
                          {&total, ONNXC_FLOAT, 0, nullptr}};
  ASSERT_EQ(onnxc_run(s, in, 2, given, 2), ONNXC_OK) << error();
  EXPECT_EQ(masked[4], 5.0f);
  EXPECT_EQ(total, 9.0f);
}

TEST_F(RuntimeDynamicTest, SameNamedDimsMustBeEqual) {
  onnxc_session *s = open(kMaskedModel);
  std::vector<int64_t> ids(18);
  std::vector<float> mask(14);
  const int64_t idsShape[] = {2, 9}, maskShape[] = {2, 7};
  onnxc_tensor in[] = {{ids.data(), ONNXC_INT64, 2, idsShape},
                       {mask.data(), ONNXC_FLOAT, 2, maskShape}};
  onnxc_tensor out[2] = {};
  EXPECT_EQ(onnxc_run_alloc(s, in, 2, out, 2), ONNXC_ERROR_SHAPE_MISMATCH);
  EXPECT_EQ(error(), "input 'mask' dim 1 ('seq') is 7 but input 'ids' dim 1 "
                     "('seq') is 9");
  EXPECT_EQ(out[0].data, nullptr);
  EXPECT_EQ(out[1].data, nullptr);
  // Within one input too: batch and seq are different names.
  const int64_t square[] = {3, 3};
  in[0].shape = in[1].shape = square;
  ASSERT_EQ(onnxc_run_alloc(s, in, 2, out, 2), ONNXC_OK) << error();
  onnxc_free(out[0].data);
  onnxc_free(out[1].data);
}

TEST_F(RuntimeDynamicTest, StaticDimsOfDynamicInputsAreChecked) {
  onnxc_session *s = open(kIncModel);
  float x[20] = {};
  const int64_t wrong[] = {5, 4};
  onnxc_tensor in = {x, ONNXC_FLOAT, 2, wrong};
  onnxc_tensor out = {};
  EXPECT_EQ(onnxc_run_alloc(s, &in, 1, &out, 1), ONNXC_ERROR_SHAPE_MISMATCH);
  EXPECT_EQ(error(), "input 'x': expected shape [N,3] (float32), got [5,4]");
  const int64_t negative[] = {-2, 3};
  in.shape = negative;
  EXPECT_EQ(onnxc_run_alloc(s, &in, 1, &out, 1), ONNXC_ERROR_SHAPE_MISMATCH);
  EXPECT_EQ(error(), "input 'x': expected shape [N,3] (float32), got [-2,3]");
  // Unnamed dims print as '?'.
  onnxc_session *p = open(kAliasModel);
  const int64_t matrix[] = {2, 2};
  in.shape = matrix;
  onnxc_tensor outs[4] = {};
  EXPECT_EQ(onnxc_run_alloc(p, &in, 1, outs, 4), ONNXC_ERROR_SHAPE_MISMATCH);
  EXPECT_EQ(error(), "input 'x': expected shape [N] (float32), got [2,2]");
  EXPECT_EQ(onnxc_tensor_desc_elements(&kIncInput), -1);
}

TEST_F(RuntimeDynamicTest, RunCopiesWhenTheCallersShapeMatches) {
  onnxc_session *s = open(kIncModel);
  float x[6] = {1, 2, 3, 4, 5, 6}, y[12];
  const int64_t shape[] = {2, 3};
  onnxc_tensor in = {x, ONNXC_FLOAT, 2, shape};
  onnxc_tensor out = {y, ONNXC_FLOAT, 2, shape};
  ASSERT_EQ(onnxc_run(s, &in, 1, &out, 1), ONNXC_OK) << error();
  EXPECT_EQ(y[0], 2.0f);
  EXPECT_EQ(y[5], 7.0f);

  // A buffer of another size: refused after the run, left untouched.
  std::fill(std::begin(y), std::end(y), -1.0f);
  const int64_t bigger[] = {4, 3};
  out.shape = bigger;
  EXPECT_EQ(onnxc_run(s, &in, 1, &out, 1), ONNXC_ERROR_SHAPE_MISMATCH);
  EXPECT_EQ(error(), "output 'y' has shape [2,3] in this run; the buffer "
                     "given has [4,3] (use onnxc_run_alloc for outputs sized "
                     "at run time)");
  EXPECT_EQ(y[0], -1.0f);

  // Its static dims and rank are checked before the run.
  const int64_t wrong[] = {2, 4};
  out.shape = wrong;
  EXPECT_EQ(onnxc_run(s, &in, 1, &out, 1), ONNXC_ERROR_SHAPE_MISMATCH);
  EXPECT_EQ(error(), "output 'y': expected shape [N,3] (float32), got [2,4]");
}

TEST_F(RuntimeDynamicTest, OverlapUsesTheActualSizes) {
  onnxc_session *s = open(kIncModel);
  float buffer[12] = {1, 2, 3, 4, 5, 6};
  const int64_t shape[] = {2, 3};
  onnxc_tensor in = {buffer, ONNXC_FLOAT, 2, shape};
  onnxc_tensor out = {buffer + 5, ONNXC_FLOAT, 2, shape}; // x's last float
  EXPECT_EQ(onnxc_run(s, &in, 1, &out, 1), ONNXC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(error(), "output 'y' overlaps input 'x' in memory; outputs and "
                     "the workspace need buffers of their own");
  out.data = buffer + 6; // just past x's 2x3
  ASSERT_EQ(onnxc_run(s, &in, 1, &out, 1), ONNXC_OK) << error();
  EXPECT_EQ(buffer[11], 7.0f);
}

TEST_F(RuntimeDynamicTest, FailEndsTheRunAndFreesItsMemory) {
  onnxc_session *s = open(kCheckedModel);
  float a[4] = {1, 2, 3, 4}, b[5] = {10, 20, 30, 40, 50};
  const int64_t four[] = {4}, five[] = {5};
  onnxc_tensor in[] = {{a, ONNXC_FLOAT, 1, four}, {b, ONNXC_FLOAT, 1, five}};
  onnxc_tensor out = {};
  EXPECT_EQ(onnxc_run_alloc(s, in, 2, &out, 1), ONNXC_ERROR_SHAPE_MISMATCH);
  EXPECT_EQ(error(), "node 'sum' (Add): input 'b' dim 0 is 5, expected 4 (as "
                     "input 'a' dim 0)");
  EXPECT_EQ(out.data, nullptr);
  EXPECT_EQ(onnxc_live_blocks_(), liveBefore);

  float y[4] = {};
  onnxc_tensor given = {y, ONNXC_FLOAT, 1, four};
  EXPECT_EQ(onnxc_run(s, in, 2, &given, 1), ONNXC_ERROR_SHAPE_MISMATCH);
  EXPECT_EQ(onnxc_live_blocks_(), liveBefore);

  // The session runs again after a failed run.
  in[1].shape = four;
  ASSERT_EQ(onnxc_run(s, in, 2, &given, 1), ONNXC_OK) << error();
  EXPECT_EQ(y[3], 44.0f);
  EXPECT_EQ(error(), "");
}

TEST_F(RuntimeDynamicTest, DataDependentOutput) {
  onnxc_session *s = open(kPositivesModel);
  float x[7] = {-1, 2, 0, 3, -4, 5, 6};
  const int64_t seven[] = {7};
  onnxc_tensor in = {x, ONNXC_FLOAT, 1, seven};
  onnxc_tensor out = {};
  ASSERT_EQ(onnxc_run_alloc(s, &in, 1, &out, 1), ONNXC_OK) << error();
  ASSERT_EQ(out.rank, 1);
  ASSERT_EQ(out.shape[0], 4);
  EXPECT_EQ(out.dtype, ONNXC_INT64);
  const int64_t *indices = static_cast<int64_t *>(out.data);
  EXPECT_EQ(std::vector<int64_t>(indices, indices + 4),
            (std::vector<int64_t>{1, 3, 5, 6}));
  onnxc_free(out.data);

  // None positive: an empty output, still a pointer to free.
  float none[3] = {-1, -2, 0};
  const int64_t three[] = {3};
  in = {none, ONNXC_FLOAT, 1, three};
  ASSERT_EQ(onnxc_run_alloc(s, &in, 1, &out, 1), ONNXC_OK) << error();
  EXPECT_EQ(out.shape[0], 0);
  EXPECT_NE(out.data, nullptr);
  onnxc_free(out.data);

  // Into a caller's buffer: only when the count is known beforehand.
  int64_t buffer[3] = {-7, -7, -7};
  const int64_t zero[] = {0};
  onnxc_tensor given = {nullptr, ONNXC_INT64, 1, zero};
  EXPECT_EQ(onnxc_run(s, &in, 1, &given, 1), ONNXC_OK) << error();
  in = {x, ONNXC_FLOAT, 1, seven};
  given = {buffer, ONNXC_INT64, 1, three};
  EXPECT_EQ(onnxc_run(s, &in, 1, &given, 1), ONNXC_ERROR_SHAPE_MISMATCH);
  EXPECT_EQ(error(), "output 'indices' has shape [4] in this run; the buffer "
                     "given has [3] (use onnxc_run_alloc for outputs sized at "
                     "run time)");
  EXPECT_EQ(buffer[0], -7);
}

TEST_F(RuntimeDynamicTest, AllocationFailureEndsTheRun) {
  onnxc_session *s = open(kOomModel);
  float x[3] = {};
  const int64_t three[] = {3};
  onnxc_tensor in = {x, ONNXC_FLOAT, 1, three};
  onnxc_tensor out = {};
  EXPECT_EQ(onnxc_run_alloc(s, &in, 1, &out, 1), ONNXC_ERROR_OUT_OF_MEMORY);
  EXPECT_EQ(error(), "cannot allocate 18446744073709551552 bytes for an "
                     "intermediate or output");
  EXPECT_EQ(out.data, nullptr);
  EXPECT_EQ(onnxc_live_blocks_(), liveBefore);
  // Outside a run, the allocator returns NULL instead.
  EXPECT_EQ(onnxc_memref_alloc(~uint64_t(0)), nullptr);
  void *empty = onnxc_memref_alloc(0), *other = onnxc_alloc_(0);
  EXPECT_NE(empty, nullptr);
  EXPECT_NE(empty, other);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(empty) % 64, 0u);
  onnxc_memref_free(empty);
  onnxc_free(other);
}

TEST_F(RuntimeDynamicTest, RecordsPointingElsewhereAreCopied) {
  onnxc_session *s = open(kAliasModel);
  float x[4] = {1, 2, 3, 4};
  const int64_t four[] = {4};
  onnxc_tensor in = {x, ONNXC_FLOAT, 1, four};
  onnxc_tensor out[4] = {};
  ASSERT_EQ(onnxc_run_alloc(s, &in, 1, out, 4), ONNXC_OK) << error();
  // Four buffers of their own, none of them the input.
  for (int i = 0; i < 4; ++i) {
    EXPECT_NE(out[i].data, static_cast<void *>(x));
    for (int j = 0; j < i; ++j)
      EXPECT_NE(out[i].data, out[j].data);
  }
  auto values = [&](int i) {
    const float *v = static_cast<const float *>(out[i].data);
    return std::vector<float>(v, v + out[i].shape[0]);
  };
  EXPECT_EQ(values(0), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(values(1), (std::vector<float>{2, 4, 6, 8}));
  EXPECT_EQ(values(2), (std::vector<float>{2, 4, 6, 8}));
  EXPECT_EQ(values(3), (std::vector<float>{102, 103, 104}));
  for (onnxc_tensor &t : out)
    onnxc_free(t.data);
}

TEST_F(RuntimeDynamicTest, RunPointersRefusesDynamicModels) {
  float x[6] = {}, y[6] = {};
  void *in[] = {x}, *out[] = {y};
  EXPECT_EQ(onnxc_run_pointers(&kIncModel, in, out, nullptr),
            ONNXC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(error(), "model 'inc' has dimensions known only at run time; run "
                     "it with onnxc_run or onnxc_run_alloc");
  // The same without the flag: the shapes say it.
  onnxc_model_desc unflagged = kIncModel;
  unflagged.flags = 0;
  EXPECT_EQ(onnxc_run_pointers(&unflagged, in, out, nullptr),
            ONNXC_ERROR_INVALID_ARGUMENT);
}

TEST_F(RuntimeDynamicTest, StaticModelsThroughEveryCall) {
  // onnxc_run_alloc on a model without -1 dims.
  onnxc_session *s = open(kAddModel);
  float a[6] = {1, 2, 3, 4, 5, 6}, b[6] = {1, 1, 1, 1, 1, 1};
  onnxc_tensor in[] = {{a, ONNXC_FLOAT, 2, kShape23},
                       {b, ONNXC_FLOAT, 2, kShape23}};
  onnxc_tensor out[2] = {};
  ASSERT_EQ(onnxc_run_alloc(s, in, 2, out, 2), ONNXC_OK) << error();
  EXPECT_EQ(out[0].shape, kShape23);
  EXPECT_EQ(out[0].rank, 2);
  EXPECT_EQ(static_cast<float *>(out[0].data)[5], 7.0f);
  EXPECT_EQ(out[1].rank, 0);
  EXPECT_EQ(*static_cast<int64_t *>(out[1].data), 11);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(out[1].data) % 64, 0u);
  onnxc_free(out[0].data);
  onnxc_free(out[1].data);
  // A failed check allocates nothing.
  in[0].dtype = ONNXC_INT32;
  EXPECT_EQ(onnxc_run_alloc(s, in, 2, out, 2), ONNXC_ERROR_TYPE_MISMATCH);
  EXPECT_EQ(out[0].data, nullptr);

  // A static model whose code allocates and checks at run time: every call
  // passes the descriptor's dims and returns the check's error.
  onnxc_session *c = open(kStaticCheckedModel);
  float x[2] = {3, 4}, y[2] = {};
  onnxc_tensor xin = {x, ONNXC_FLOAT, 1, kShape2};
  onnxc_tensor yout = {y, ONNXC_FLOAT, 1, kShape2};
  ASSERT_EQ(onnxc_run(c, &xin, 1, &yout, 1), ONNXC_OK) << error();
  EXPECT_EQ(y[1], 8.0f);
  void *pin[] = {x}, *pout[] = {y};
  ASSERT_EQ(onnxc_run_pointers(&kStaticCheckedModel, pin, pout, nullptr),
            ONNXC_OK)
      << error();
  x[0] = -1;
  EXPECT_EQ(onnxc_run_pointers(&kStaticCheckedModel, pin, pout, nullptr),
            ONNXC_ERROR_SHAPE_MISMATCH);
  EXPECT_EQ(error(), "node 'check': x[0] is negative");
  EXPECT_EQ(onnxc_run(c, &xin, 1, &yout, 1), ONNXC_ERROR_SHAPE_MISMATCH);
  onnxc_tensor yalloc = {};
  EXPECT_EQ(onnxc_run_alloc(c, &xin, 1, &yalloc, 1),
            ONNXC_ERROR_SHAPE_MISMATCH);
  EXPECT_EQ(yalloc.data, nullptr);
}

// A run inside a run (a model's code running another model): the inner
// failure returns to the inner run's caller, and the outer run goes on.
onnxc_session *innerSession = nullptr;
onnxc_status innerStatus = ONNXC_OK;

void outerEntry(void **raw) {
  Args a(raw, 1, 1);
  float *held = allocate<float>(4); // the outer run's, across the inner one
  float p[2] = {1, 2}, q[3] = {1, 2, 3}, r[2];
  const int64_t two[] = {2}, three[] = {3};
  onnxc_tensor in[] = {{p, ONNXC_FLOAT, 1, two}, {q, ONNXC_FLOAT, 1, three}};
  onnxc_tensor out = {r, ONNXC_FLOAT, 1, two};
  innerStatus = onnxc_run(innerSession, in, 2, &out, 1);
  held[0] = a.input<float>(0)[0];
  a.output<float>(0)[0] = held[0] + 1;
  a.output<float>(0)[1] = 0;
  onnxc_memref_free(held);
}

const onnxc_model_desc kOuterModel = {
    ONNXC_ABI_VERSION, "outer", 1, 1, &kStatic2, &kStatic2Out, 0, outerEntry};

TEST_F(RuntimeDynamicTest, NestedRuns) {
  innerSession = open(kCheckedModel);
  onnxc_session *s = open(kOuterModel);
  float x[2] = {41, 0}, y[2] = {};
  onnxc_tensor in = {x, ONNXC_FLOAT, 1, kShape2};
  onnxc_tensor out = {y, ONNXC_FLOAT, 1, kShape2};
  ASSERT_EQ(onnxc_run(s, &in, 1, &out, 1), ONNXC_OK) << error();
  EXPECT_EQ(innerStatus, ONNXC_ERROR_SHAPE_MISMATCH);
  EXPECT_EQ(y[0], 42.0f);
}

// Parallel loops of a run: the workers' blocks belong to the run too, and
// are freed when it fails afterwards.
void allocateChunk(void **args, int64_t begin, int64_t end) {
  auto *blocks = static_cast<std::atomic<void *> *>(args[0]);
  auto *threads = static_cast<std::mutex *>(args[1]);
  auto *ids = static_cast<std::vector<std::thread::id> *>(args[2]);
  for (int64_t i = begin; i < end; ++i)
    blocks[i] = onnxc_memref_alloc(100);
  {
    std::lock_guard<std::mutex> guard(*threads);
    ids->push_back(std::this_thread::get_id());
  }
  // Long enough for the other thread to take chunks too.
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

std::vector<std::thread::id> chunkThreads;

void parallelEntry(void **raw) {
  Args a(raw, 1, 1);
  std::atomic<void *> blocks[16];
  std::mutex lock;
  void *args[] = {blocks, &lock, &chunkThreads};
  onnxc_parallel_for(allocateChunk, args, 16, 1);
  onnxc_fail("node 'after': failed after a parallel loop");
}

const onnxc_model_desc kParallelModel = {
    ONNXC_ABI_VERSION, "parallel", 1,       1,      &kPositivesInput,
    &kIncOutput,       0,          parallelEntry, nullptr,
    ONNXC_MODEL_DYNAMIC};

TEST_F(RuntimeDynamicTest, ParallelLoopBlocksBelongToTheRun) {
  onnxc_set_num_threads(2);
  onnxc_session *s = open(kParallelModel);
  float x[1] = {};
  const int64_t one[] = {1};
  onnxc_tensor in = {x, ONNXC_FLOAT, 1, one};
  onnxc_tensor out = {};
  chunkThreads.clear();
  EXPECT_EQ(onnxc_run_alloc(s, &in, 1, &out, 1), ONNXC_ERROR_SHAPE_MISMATCH);
  EXPECT_EQ(error(), "node 'after': failed after a parallel loop");
  // TearDown checks that all 16 blocks were freed, the workers' included.
  std::sort(chunkThreads.begin(), chunkThreads.end());
  EXPECT_GE(std::unique(chunkThreads.begin(), chunkThreads.end()) -
                chunkThreads.begin(),
            2)
      << "the worker took no chunk: nothing tested its blocks";
  onnxc_set_num_threads(0);
}

//===----------------------------------------------------------------------===//
// The blocks a session keeps between runs
//===----------------------------------------------------------------------===//

// Like an attention block: y = x + rowsum(s) / N over x: float32[N,8],
// with s[i][j] = h[i][0] + x[j][0], h = 2x. Intermediates of N*8, N*N and
// N floats, freed as soon as they are dead (y reuses h's size); the rows
// of s come from a parallel loop whose chunks allocate and free a scratch
// block of their own (on the pool's workers with several threads).
void scoreRows(void **args, int64_t begin, int64_t end) {
  const float *h = static_cast<const float *>(args[0]);
  const float *x = static_cast<const float *>(args[1]);
  float *s = static_cast<float *>(args[2]);
  float *sums = static_cast<float *>(args[3]);
  int64_t n = *static_cast<const int64_t *>(args[4]);
  float *partial = allocate<float>(end - begin);
  for (int64_t i = begin; i < end; ++i) {
    partial[i - begin] = 0;
    for (int64_t j = 0; j < n; ++j) {
      s[i * n + j] = h[i * 8] + x[j * 8];
      partial[i - begin] += s[i * n + j];
    }
  }
  for (int64_t i = begin; i < end; ++i)
    sums[i] = partial[i - begin];
  onnxc_memref_free(partial);
}

void attentionEntry(void **raw) {
  Args a(raw, 1, 1);
  int64_t n = a.shape(0)[0];
  const float *x = a.input<float>(0);
  float *h = allocate<float>(n * 8);
  for (int64_t i = 0; i < n * 8; ++i)
    h[i] = 2 * x[i];
  float *s = allocate<float>(n * n);
  float *sums = allocate<float>(n);
  void *args[] = {h, const_cast<float *>(x), s, sums, &n};
  onnxc_parallel_for(scoreRows, args, n, 1);
  onnxc_memref_free(h);
  float *y = allocate<float>(n * 8);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t k = 0; k < 8; ++k)
      y[i * 8 + k] = x[i * 8 + k] + sums[i] / static_cast<float>(n);
  onnxc_memref_free(s);
  onnxc_memref_free(sums);
  fill(a.record(0), y, {n, 8});
}

const int64_t kShapeN8[] = {-1, 8};
const onnxc_tensor_desc kAttentionInput = {"x", ONNXC_FLOAT, 2, kShapeN8,
                                           kParamsN3};
const onnxc_tensor_desc kAttentionOutput = {"y", ONNXC_FLOAT, 2, kShapeN8,
                                            kParamsN3};
const onnxc_model_desc kAttentionModel = {
    ONNXC_ABI_VERSION, "attention", 1,      1,       &kAttentionInput,
    &kAttentionOutput, 0,           attentionEntry, nullptr,
    ONNXC_MODEL_DYNAMIC};

// Allocates a block of N bytes (N: x's dim 0 of float32[N,0], a tensor
// without data), touches its ends, frees it; y = 1.
void scratchEntry(void **raw) {
  Args a(raw, 1, 1);
  int64_t n = a.shape(0)[0];
  auto *block = static_cast<unsigned char *>(
      onnxc_memref_alloc(static_cast<uint64_t>(n)));
  block[0] = block[n - 1] = 1;
  onnxc_memref_free(block);
  *a.output<float>(0) = 1;
}

const int64_t kShapeN0[] = {-1, 0};
const onnxc_tensor_desc kScratchInput = {"x", ONNXC_FLOAT, 2, kShapeN0,
                                         kParamsN3};
const onnxc_tensor_desc kScalarOutput = {"y", ONNXC_FLOAT, 0, kShapeScalar,
                                         nullptr};
const onnxc_model_desc kScratchModel = {
    ONNXC_ABI_VERSION, "scratch", 1,      1,       &kScratchInput,
    &kScalarOutput,    0,         scratchEntry, nullptr,
    ONNXC_MODEL_DYNAMIC};

class RuntimeCacheTest : public RuntimeDynamicTest {
protected:
  void SetUp() override {
    RuntimeDynamicTest::SetUp();
    onnxc_set_num_threads(1); // a deterministic order of allocations
  }
  void TearDown() override {
    onnxc_set_num_threads(0);
    RuntimeDynamicTest::TearDown();
  }

  // Runs the attention model at N rows into a buffer of ours and checks
  // y; returns the blocks it took from the system allocator.
  int64_t runAttention(onnxc_session *s, int64_t rows) {
    std::vector<float> x(static_cast<size_t>(rows * 8)), y(x.size());
    for (size_t i = 0; i < x.size(); ++i)
      x[i] = static_cast<float>(i % 7) - 3;
    const int64_t shape[] = {rows, 8};
    onnxc_tensor in = {x.data(), ONNXC_FLOAT, 2, shape};
    onnxc_tensor out = {y.data(), ONNXC_FLOAT, 2, shape};
    int64_t before = onnxc_block_allocations_();
    EXPECT_EQ(onnxc_run(s, &in, 1, &out, 1), ONNXC_OK) << error();
    int64_t allocated = onnxc_block_allocations_() - before;
    expectAttention(x, y.data(), rows);
    return allocated;
  }

  static void expectAttention(const std::vector<float> &x, const float *y,
                              int64_t rows) {
    float mean = 0;
    for (int64_t j = 0; j < rows; ++j)
      mean += x[static_cast<size_t>(j * 8)];
    mean /= static_cast<float>(rows);
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t k = 0; k < 8; ++k)
        ASSERT_NEAR(y[i * 8 + k],
                    x[static_cast<size_t>(i * 8 + k)] +
                        2 * x[static_cast<size_t>(i * 8)] + mean,
                    1e-3)
            << "row " << i << " col " << k << " of " << rows;
  }

  // Runs the scratch model with a block of `bytes`; returns the blocks it
  // took from the system allocator.
  int64_t runScratch(onnxc_session *s, int64_t bytes) {
    const int64_t shape[] = {bytes, 0};
    float y = 0;
    onnxc_tensor in = {nullptr, ONNXC_FLOAT, 2, shape};
    onnxc_tensor out = {&y, ONNXC_FLOAT, 0, nullptr};
    int64_t before = onnxc_block_allocations_();
    EXPECT_EQ(onnxc_run(s, &in, 1, &out, 1), ONNXC_OK) << error();
    EXPECT_EQ(y, 1.0f);
    return onnxc_block_allocations_() - before;
  }
};

TEST_F(RuntimeCacheTest, RunsOfSeenSizesAllocateNothing) {
  onnxc_session *s = open(kAttentionModel);
  // h, s, sums and the loop's scratch; y reuses h's block.
  EXPECT_EQ(runAttention(s, 16), 4);
  EXPECT_EQ(onnxc_live_blocks_(), liveBefore);
  EXPECT_EQ(onnxc_cached_blocks_(), cachedBefore + 4);
  EXPECT_EQ(runAttention(s, 16), 0);
  EXPECT_EQ(runAttention(s, 16), 0);
  EXPECT_EQ(onnxc_cached_blocks_(), cachedBefore + 4);

  // A bigger size allocates its own blocks and runs right; then both sizes
  // are served from the cache.
  EXPECT_GT(runAttention(s, 100), 0);
  EXPECT_EQ(runAttention(s, 100), 0);
  EXPECT_EQ(runAttention(s, 16), 0);
  EXPECT_EQ(runAttention(s, 100), 0);
  EXPECT_EQ(onnxc_live_blocks_(), liveBefore);

  // Another session has a cache of its own.
  onnxc_session *other = open(kAttentionModel);
  EXPECT_EQ(runAttention(other, 16), 4);
}

TEST_F(RuntimeCacheTest, TrimFreesTheCache) {
  onnxc_session *s = open(kAttentionModel);
  runAttention(s, 16);
  ASSERT_GT(onnxc_cached_blocks_(), cachedBefore);
  onnxc_session_trim(s);
  EXPECT_EQ(onnxc_cached_blocks_(), cachedBefore);
  EXPECT_EQ(onnxc_live_blocks_(), liveBefore);
  // The next run allocates afresh, and runs.
  EXPECT_EQ(runAttention(s, 16), 4);
  onnxc_session_trim(s);
  onnxc_session_trim(s);
  onnxc_session_trim(nullptr);
  EXPECT_EQ(onnxc_cached_blocks_(), cachedBefore);
  // A session that never ran has nothing to trim.
  onnxc_session_trim(open(kAttentionModel));
}

TEST_F(RuntimeCacheTest, FailedRunsKeepOrFreeTheirBlocks) {
  onnxc_session *s = open(kCheckedModel);
  float a[4] = {1, 2, 3, 4}, b[5] = {10, 20, 30, 40, 50};
  const int64_t four[] = {4}, five[] = {5};
  onnxc_tensor in[] = {{a, ONNXC_FLOAT, 1, four}, {b, ONNXC_FLOAT, 1, five}};
  onnxc_tensor out = {};
  // The failed run's y and scratch, left for the runtime, are cached.
  EXPECT_EQ(onnxc_run_alloc(s, in, 2, &out, 1), ONNXC_ERROR_SHAPE_MISMATCH);
  EXPECT_EQ(onnxc_live_blocks_(), liveBefore);
  EXPECT_EQ(onnxc_cached_blocks_(), cachedBefore + 2);
  // Failing again reuses them: nothing allocated, nothing more kept.
  int64_t before = onnxc_block_allocations_();
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(onnxc_run_alloc(s, in, 2, &out, 1), ONNXC_ERROR_SHAPE_MISMATCH);
  EXPECT_EQ(onnxc_block_allocations_(), before);
  EXPECT_EQ(onnxc_cached_blocks_(), cachedBefore + 2);
  // A run that succeeds after them takes y from the cache too.
  in[1].shape = four;
  ASSERT_EQ(onnxc_run_alloc(s, in, 2, &out, 1), ONNXC_OK) << error();
  EXPECT_EQ(onnxc_block_allocations_(), before);
  EXPECT_EQ(static_cast<float *>(out.data)[3], 44.0f);
  onnxc_free(out.data); // the caller's now: freed, not cached
  EXPECT_EQ(onnxc_cached_blocks_(), cachedBefore + 1);
  EXPECT_EQ(onnxc_live_blocks_(), liveBefore);

  // An allocation failure too; it first frees the cache and tries again.
  onnxc_session *oom = open(kOomModel);
  int64_t cached = onnxc_cached_blocks_();
  float x[100] = {};
  const int64_t three[] = {3}, hundred[] = {100};
  onnxc_tensor xin = {x, ONNXC_FLOAT, 1, three};
  EXPECT_EQ(onnxc_run_alloc(oom, &xin, 1, &out, 1),
            ONNXC_ERROR_OUT_OF_MEMORY);
  EXPECT_EQ(onnxc_live_blocks_(), liveBefore);
  EXPECT_EQ(onnxc_cached_blocks_(), cached + 1); // y of 3
  xin.shape = hundred; // a y that the cached one does not fit
  EXPECT_EQ(onnxc_run_alloc(oom, &xin, 1, &out, 1),
            ONNXC_ERROR_OUT_OF_MEMORY);
  EXPECT_EQ(error(), "cannot allocate 18446744073709551552 bytes for an "
                     "intermediate or output");
  EXPECT_EQ(onnxc_cached_blocks_(), cached + 1); // y of 100 only
  EXPECT_EQ(onnxc_live_blocks_(), liveBefore);
  // TearDown checks that destroying the sessions freed what they kept.
}

TEST_F(RuntimeCacheTest, OutputsOfRunAllocOutliveLaterRunsAndTheSession) {
  onnxc_session *s = open(kAttentionModel);
  std::vector<std::vector<float>> xs;
  std::vector<onnxc_tensor> outs;
  const int64_t rows[] = {16, 16, 40, 16, 40};
  for (int64_t n : rows) {
    std::vector<float> x(static_cast<size_t>(n * 8));
    for (size_t i = 0; i < x.size(); ++i)
      x[i] = static_cast<float>((i + xs.size()) % 5);
    const int64_t shape[] = {n, 8};
    onnxc_tensor in = {x.data(), ONNXC_FLOAT, 2, shape};
    onnxc_tensor out = {};
    ASSERT_EQ(onnxc_run_alloc(s, &in, 1, &out, 1), ONNXC_OK) << error();
    for (const onnxc_tensor &earlier : outs)
      EXPECT_NE(out.data, earlier.data);
    xs.push_back(std::move(x));
    outs.push_back(out);
  }
  // A run of seen sizes allocates its output only.
  {
    std::vector<float> x(16 * 8, 1.0f);
    const int64_t shape[] = {16, 8};
    onnxc_tensor in = {x.data(), ONNXC_FLOAT, 2, shape};
    onnxc_tensor out = {};
    int64_t before = onnxc_block_allocations_();
    ASSERT_EQ(onnxc_run_alloc(s, &in, 1, &out, 1), ONNXC_OK) << error();
    EXPECT_EQ(onnxc_block_allocations_() - before, 1);
    onnxc_free(out.data);
  }
  onnxc_session_trim(s);
  onnxc_session_destroy(s);
  sessions.clear();
  // Every output still holds its own run's values.
  for (size_t r = 0; r < outs.size(); ++r)
    expectAttention(xs[r], static_cast<const float *>(outs[r].data),
                    rows[r]);
  EXPECT_EQ(onnxc_live_blocks_(), liveBefore + 5);
  for (onnxc_tensor &out : outs)
    onnxc_free(out.data);
}

TEST_F(RuntimeCacheTest, BlocksFitWithinTwiceTheRequest) {
  onnxc_session *s = open(kScratchModel);
  EXPECT_EQ(runScratch(s, 1 << 20), 1);
  // A small request does not take the 1 MiB block.
  EXPECT_EQ(runScratch(s, 100 << 10), 1);
  // One from 512 KiB up does; the smallest block that fits is chosen.
  EXPECT_EQ(runScratch(s, 600 << 10), 0);
  EXPECT_EQ(runScratch(s, 512 << 10), 0);
  EXPECT_EQ(runScratch(s, 90 << 10), 0);
  EXPECT_EQ(runScratch(s, 60 << 10), 0);
  EXPECT_EQ(onnxc_cached_blocks_(), cachedBefore + 2);
  // Neither 100 KiB nor 1 MiB fits 400 KiB.
  EXPECT_EQ(runScratch(s, 400 << 10), 1);
  // Nor does a bigger request take a smaller block.
  EXPECT_EQ(runScratch(s, (1 << 20) + 1), 1);
  EXPECT_EQ(onnxc_cached_blocks_(), cachedBefore + 4);
}

TEST_F(RuntimeCacheTest, TheCacheIsCapped) {
  // Runs of one block each, 17 to 20 MiB, none fitting the next: 74 MiB of
  // blocks, beyond max(64 MiB, 2 x 20 MiB). The least recently cached, the
  // 17 MiB one, goes.
  onnxc_session *s = open(kScratchModel);
  for (int64_t mib = 17; mib <= 20; ++mib)
    EXPECT_EQ(runScratch(s, mib << 20), 1);
  EXPECT_EQ(onnxc_cached_blocks_(), cachedBefore + 3);
  EXPECT_EQ(runScratch(s, 20 << 20), 0);
  EXPECT_EQ(runScratch(s, 18 << 20), 0);
  // Only the 17 MiB block fitted 8.6 MiB (18 MiB is more than twice).
  EXPECT_EQ(runScratch(s, 8806 << 10), 1);

  // A run at 40 MiB raises the limit to 80 MiB: 40 + 10 + 11 + 12 stay.
  onnxc_session_trim(s);
  for (int64_t mib : {40, 10, 11, 12})
    EXPECT_EQ(runScratch(s, mib << 20), 1);
  EXPECT_EQ(onnxc_cached_blocks_(), cachedBefore + 4);
  // Trimming forgets that peak: 64 MiB again.
  onnxc_session_trim(s);
  for (int64_t mib = 17; mib <= 20; ++mib)
    EXPECT_EQ(runScratch(s, mib << 20), 1);
  EXPECT_EQ(onnxc_cached_blocks_(), cachedBefore + 3);
}

TEST_F(RuntimeCacheTest, PoolWorkersShareTheCache) {
  onnxc_set_num_threads(2);
  onnxc_session *s = open(kAttentionModel);
  int64_t allocated = 0;
  for (int i = 0; i < 50; ++i) {
    int64_t rows = i % 2 ? 64 : 33;
    allocated += runAttention(s, rows);
    ASSERT_EQ(onnxc_live_blocks_(), liveBefore);
  }
  // Each size's blocks, a chunk's scratch per thread at most; whatever the
  // order the threads took their chunks in, later runs reuse them.
  EXPECT_LE(allocated, 2 * (4 + 1));
}

TEST_F(RuntimeCacheTest, RunPointersHasNoCache) {
  // Without a session, a static model's run-time allocations are freed.
  float x[2] = {3, 4}, y[2] = {};
  void *in[] = {x}, *out[] = {y};
  ASSERT_EQ(onnxc_run_pointers(&kStaticCheckedModel, in, out, nullptr),
            ONNXC_OK)
      << error();
  EXPECT_EQ(y[1], 8.0f);
  EXPECT_EQ(onnxc_cached_blocks_(), cachedBefore);
  // Through a session, its intermediate is kept.
  onnxc_session *s = open(kStaticCheckedModel);
  onnxc_tensor xin = {x, ONNXC_FLOAT, 1, kShape2};
  onnxc_tensor yout = {y, ONNXC_FLOAT, 1, kShape2};
  ASSERT_EQ(onnxc_run(s, &xin, 1, &yout, 1), ONNXC_OK) << error();
  EXPECT_EQ(onnxc_cached_blocks_(), cachedBefore + 1);
}

TEST(RuntimeDynamicDeathTest, FailOutsideARunAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(onnxc_fail("node 'n': a check outside a run"),
               "onnxc: node 'n': a check outside a run \\(a run-time check "
               "failed outside a run\\)");
}

} // namespace
