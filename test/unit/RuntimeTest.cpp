//===- RuntimeTest.cpp - The C runtime linked into compiled models --------===//
//
// Runs hand-written model descriptors through the runtime: checked runs,
// error messages, workspaces and concurrent sessions.
//
//===----------------------------------------------------------------------===//

#include "onnxc/runtime.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
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
