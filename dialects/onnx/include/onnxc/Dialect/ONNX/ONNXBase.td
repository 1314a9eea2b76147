//===- ONNXBase.td - Base classes of onnx ops ---------------*- tablegen -*-===//

#ifndef ONNXC_DIALECT_ONNX_ONNXBASE_TD
#define ONNXC_DIALECT_ONNX_ONNXBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "onnxc/Dialect/ONNX/ONNXDialect.td"
include "onnxc/Dialect/ONNX/ONNXInterfaces.td"

class ONNX_Op<string mnemonic, list<Trait> traits = []>
    : Op<ONNX_Dialect, mnemonic, traits>;

/// ONNX INT attributes are signed (axis = -1): a signless i64 attribute
/// whose accessor returns int64_t, unlike I64Attr's uint64_t.
def ONNX_I64Attr : TypedSignlessIntegerAttrBase<I64, "int64_t",
                                                "64-bit integer attribute"> {
  let convertFromStorage = "$_self.getValue().getSExtValue()";
}

/// An ONNX optional input or output: a tensor, or `none` when the node
/// leaves it out (its name is empty in the model).
class ONNX_Optional<Type type>
    : AnyTypeOf<[type, NoneType], "tensor or none (" # type.summary # ")">;

//===----------------------------------------------------------------------===//
// NoValue
//===----------------------------------------------------------------------===//

def ONNX_NoValueOp : ONNX_Op<"NoValue", [Pure]> {
  let summary = "The value of an optional input that a node leaves out";
  let description = [{
    ONNX marks an absent optional input with an empty name. The importer
    passes the result of this op instead, so every op has a fixed operand
    list and `isa<NoneType>` tells whether an optional input is present.

    ```mlir
    %none = "onnx.NoValue"() : () -> none
    %y = "onnx.Clip"(%x, %none, %max) : (tensor<4xf32>, none, tensor<f32>) -> tensor<4xf32>
    ```
  }];
  let results = (outs NoneType:$none);
}

#endif // ONNXC_DIALECT_ONNX_ONNXBASE_TD
