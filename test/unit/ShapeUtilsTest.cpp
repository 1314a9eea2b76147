//===- ShapeUtilsTest.cpp - Shape arithmetic of the onnx dialect ----------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace onnxc::onnx_ir;

namespace {

class ShapeUtilsTest : public ::testing::Test {
protected:
  ShapeUtilsTest() : module(ModuleOp::create(UnknownLoc::get(&context))) {
    context.loadDialect<ONNXDialect>();
    // Broadcast failures emit errors; record them instead of printing.
    handler.emplace(&context, [this](Diagnostic &diag) {
      lastError = diag.str();
      return success();
    });
  }
  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  std::optional<ScopedDiagnosticHandler> handler;
  std::string lastError;
};

TEST_F(ShapeUtilsTest, BroadcastFollowsNumpyRules) {
  Operation *op = module->getOperation();
  auto result = broadcastShapes(op, {2, 1, 4}, {3, 1});
  ASSERT_TRUE(succeeded(result));
  EXPECT_EQ(*result, (SmallVector<int64_t>{2, 3, 4}));

  result = broadcastShapes(op, {kDynamic, 4}, {5, 1});
  ASSERT_TRUE(succeeded(result));
  EXPECT_EQ(*result, (SmallVector<int64_t>{5, 4}));

  result = broadcastShapes(op, {}, {7});
  ASSERT_TRUE(succeeded(result));
  EXPECT_EQ(*result, (SmallVector<int64_t>{7}));
}

TEST_F(ShapeUtilsTest, BroadcastRejectsMismatchedDims) {
  auto result = broadcastShapes(module->getOperation(), {2, 3}, {4, 3});
  EXPECT_TRUE(failed(result));
  EXPECT_NE(lastError.find("sizes 2 and 4 differ"), std::string::npos)
      << lastError;
}

TEST_F(ShapeUtilsTest, NormalizeAxis) {
  Operation *op = module->getOperation();
  EXPECT_EQ(*normalizeAxis(op, -1, 4, "axis"), 3);
  EXPECT_EQ(*normalizeAxis(op, 2, 4, "axis"), 2);
  EXPECT_TRUE(failed(normalizeAxis(op, 4, 4, "axis")));
  EXPECT_NE(lastError.find("expected [-4, 3]"), std::string::npos) << lastError;
}

TEST_F(ShapeUtilsTest, ProductIsDynamicIfAnyDimIs) {
  EXPECT_EQ(product({2, 3, 4}), 24);
  EXPECT_EQ(product({}), 1);
  EXPECT_EQ(product({2, kDynamic}), kDynamic);
}

TEST_F(ShapeUtilsTest, DataTypeCodes) {
  EXPECT_TRUE(getElementTypeForDataType(&context, 1).isF32());
  EXPECT_TRUE(getElementTypeForDataType(&context, 7).isInteger(64));
  EXPECT_TRUE(getElementTypeForDataType(&context, 2).isUnsignedInteger(8));
  EXPECT_TRUE(getElementTypeForDataType(&context, 9).isInteger(1));
  EXPECT_TRUE(getElementTypeForDataType(&context, 16).isBF16());
  EXPECT_FALSE(getElementTypeForDataType(&context, 8)); // string
}

} // namespace
