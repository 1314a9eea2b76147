//===- ByteGlobals.cpp - --onnxc-byte-globals -----------------------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace onnxc {
#define GEN_PASS_DEF_BYTEGLOBALS
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

/// The elements of an i1 constant as bytes (0 or 1); nullopt if unreadable.
/// Resource blobs hold one byte per element (the importer's layout), dense
/// attributes one bit.
std::optional<SmallVector<char>> readBoolBytes(ElementsAttr elements) {
  int64_t count = elements.getNumElements();
  SmallVector<char> bytes;
  bytes.reserve(count);
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(elements)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || static_cast<int64_t>(blob->getData().size()) != count)
      return std::nullopt;
    for (char c : blob->getData())
      bytes.push_back(c != 0);
    return bytes;
  }
  if (auto dense = dyn_cast<DenseElementsAttr>(elements)) {
    for (bool b : dense.getValues<bool>())
      bytes.push_back(b);
    return bytes;
  }
  return std::nullopt;
}

struct ByteGlobalsPass : impl::ByteGlobalsBase<ByteGlobalsPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    auto i8Type = IntegerType::get(context, 8);
    for (auto global : getOperation().getOps<LLVM::GlobalOp>()) {
      auto elements = dyn_cast_or_null<ElementsAttr>(global.getValueOrNull());
      if (!elements || !elements.getElementType().isInteger(1) ||
          elements.getNumElements() == 0)
        continue;
      std::optional<SmallVector<char>> bytes = readBoolBytes(elements);
      if (!bytes) {
        global.emitError("constant of bools with unreadable data (a resource "
                         "blob must hold one byte per element)");
        return signalPassFailure();
      }
      int64_t count = bytes->size();
      auto type = RankedTensorType::get({count}, i8Type);
      Attribute value;
      if (llvm::all_equal(*bytes)) {
        value = DenseElementsAttr::get(type, APInt(8, bytes->front()));
      } else if (isa<DenseElementsAttr>(elements)) {
        // Small: the importer keeps only those inline.
        value = DenseElementsAttr::getFromRawBuffer(type, *bytes);
      } else {
        std::string name = global.getSymName().str() + "_bytes";
        if (auto resource = dyn_cast<DenseResourceElementsAttr>(elements))
          name = resource.getRawHandle().getKey().str() + "_bytes";
        value = DenseResourceElementsAttr::get(
            type, name,
            HeapAsmResourceBlob::allocateAndCopyWithAlign(
                ArrayRef<char>(*bytes), alignof(uint64_t)));
      }
      global.setGlobalTypeAttr(
          TypeAttr::get(LLVM::LLVMArrayType::get(i8Type, count)));
      global.setValueAttr(value);
    }
  }
};

} // namespace
} // namespace onnxc
