//===- ImporterTest.cpp - ModelProto bytes to the onnx dialect ------------===//

#include "onnxc/Frontend/ONNXImporter.h"

#include "onnxc/Dialect/ONNX/Locations.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"

#include <onnx/onnx_pb.h>

#include <gtest/gtest.h>

using namespace mlir;

namespace {

class ImporterTest : public ::testing::Test {
protected:
  ImporterTest() {
    handler.emplace(&context, [this](Diagnostic &diag) {
      errors.push_back(diag.str());
      return success();
    });
  }

  /// A model computing Y = Relu(X + B) with X: [N, 4] and B an initializer.
  static onnx::ModelProto makeModel(int opset = 17) {
    onnx::ModelProto model;
    model.set_ir_version(8);
    auto *id = model.add_opset_import();
    id->set_domain("");
    id->set_version(opset);
    onnx::GraphProto *graph = model.mutable_graph();
    graph->set_name("g");
    auto *x = graph->add_input();
    x->set_name("X");
    auto *xt = x->mutable_type()->mutable_tensor_type();
    xt->set_elem_type(onnx::TensorProto::FLOAT);
    xt->mutable_shape()->add_dim()->set_dim_param("N");
    xt->mutable_shape()->add_dim()->set_dim_value(4);
    auto *b = graph->add_initializer();
    b->set_name("B");
    b->set_data_type(onnx::TensorProto::FLOAT);
    b->add_dims(4);
    for (float v : {1.f, 2.f, 3.f, 4.f})
      b->add_float_data(v);
    auto *add = graph->add_node();
    add->set_op_type("Add");
    add->set_name("add_0");
    add->add_input("X");
    add->add_input("B");
    add->add_output("S");
    auto *relu = graph->add_node();
    relu->set_op_type("Relu");
    relu->set_name("relu_1");
    relu->add_input("S");
    relu->add_output("Y");
    graph->add_output()->set_name("Y");
    return model;
  }

  OwningOpRef<ModuleOp> import(const onnx::ModelProto &model) {
    std::string bytes = model.SerializeAsString();
    return onnxc::importONNXModelBytes(context, bytes, "", "test.onnx");
  }

  MLIRContext context;
  std::optional<ScopedDiagnosticHandler> handler;
  std::vector<std::string> errors;
};

TEST_F(ImporterTest, ImportsGraphWithNamesAndDynamicDims) {
  OwningOpRef<ModuleOp> module = import(makeModel());
  ASSERT_TRUE(module) << (errors.empty() ? "" : errors.front());
  auto func = *module->getOps<func::FuncOp>().begin();
  EXPECT_EQ(func.getName(), "main_graph");
  ASSERT_EQ(func.getNumArguments(), 1u);
  EXPECT_EQ(func.getArgAttrOfType<StringAttr>(0, "onnx.name").getValue(), "X");
  EXPECT_EQ(func.getResultAttrOfType<StringAttr>(0, "onnx.name").getValue(),
            "Y");
  auto resultType = dyn_cast<RankedTensorType>(func.getResultTypes()[0]);
  ASSERT_TRUE(resultType);
  EXPECT_TRUE(resultType.isDynamicDim(0));
  EXPECT_EQ(resultType.getDimSize(1), 4);
  int relus = 0;
  func.walk([&](onnxc::onnx_ir::ReluOp op) {
    ++relus;
    auto loc = dyn_cast<NameLoc>(op.getLoc());
    ASSERT_TRUE(loc);
    EXPECT_EQ(loc.getName().getValue(), "relu_1");
  });
  EXPECT_EQ(relus, 1);
}

TEST_F(ImporterTest, LocationsTellInitializersFromNodes) {
  OwningOpRef<ModuleOp> module = import(makeModel());
  ASSERT_TRUE(module) << (errors.empty() ? "" : errors.front());
  std::vector<std::string> described;
  module->walk([&](Operation *op) {
    if (isa<onnxc::onnx_ir::ConstantOp, onnxc::onnx_ir::AddOp>(op))
      described.push_back(onnxc::onnx_ir::describeLocation(op->getLoc()));
  });
  // A diagnostic about an initializer must not call it a node.
  EXPECT_EQ(described, (std::vector<std::string>{"initializer 'B'",
                                                 "node 'add_0'"}));
  EXPECT_EQ(onnxc::onnx_ir::describeLocation(UnknownLoc::get(&context)), "");
}

TEST_F(ImporterTest, RejectsRandomBytes) {
  std::string bytes = "\x12\x34garbage\xff\xff\xff";
  EXPECT_FALSE(onnxc::importONNXModelBytes(context, bytes, "", "bad.onnx"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("not a valid ONNX model"), std::string::npos);
}

TEST_F(ImporterTest, RejectsExternalDataForInMemoryModels) {
  onnx::ModelProto model = makeModel();
  auto *b = model.mutable_graph()->mutable_initializer(0);
  b->clear_float_data();
  b->set_data_location(onnx::TensorProto::EXTERNAL);
  auto *entry = b->add_external_data();
  entry->set_key("location");
  entry->set_value("weights.bin");
  EXPECT_FALSE(import(model));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("external data is not allowed"), std::string::npos)
      << errors[0];
}

TEST_F(ImporterTest, RejectsWrongInitializerSize) {
  onnx::ModelProto model = makeModel();
  model.mutable_graph()->mutable_initializer(0)->add_float_data(5.f);
  EXPECT_FALSE(import(model));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("holds 20 bytes but its shape needs 16"),
            std::string::npos)
      << errors[0];
}

TEST_F(ImporterTest, RejectsOldOpsets) {
  EXPECT_FALSE(import(makeModel(/*opset=*/5)));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("older than the oldest supported"),
            std::string::npos);
}

TEST_F(ImporterTest, MissingGraphOutputIsReported) {
  onnx::ModelProto model = makeModel();
  model.mutable_graph()->add_output()->set_name("nothing");
  EXPECT_FALSE(import(model));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("graph output 'nothing' is not produced"),
            std::string::npos);
}

} // namespace
