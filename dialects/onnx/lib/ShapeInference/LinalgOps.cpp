//===- LinalgOps.cpp - Shape inference of MatMul, Gemm and Einsum ---------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "llvm/ADT/StringMap.h"

using namespace mlir;

namespace onnxc::onnx_ir {

/// numpy.matmul's result shape for operands `a` and `b`, with `elementType`;
/// shared by MatMul, MatMulInteger and QLinearMatMul.
LogicalResult inferMatMulShape(Operation *op, Value aValue, Value bValue,
                               Type elementType) {
  auto a = getRankedType(aValue), b = getRankedType(bValue);
  if (!a || !b) {
    setUnrankedResultType(op, 0, elementType);
    return success();
  }
  if (a.getRank() == 0 || b.getRank() == 0)
    return op->emitOpError("operands must have rank 1 or more");
  SmallVector<int64_t> aShape(a.getShape()), bShape(b.getShape());
  // numpy.matmul: 1-D operands are promoted and the added dim dropped.
  bool aVector = aShape.size() == 1, bVector = bShape.size() == 1;
  if (aVector)
    aShape.insert(aShape.begin(), 1);
  if (bVector)
    bShape.push_back(1);
  int64_t k1 = aShape.back(), k2 = bShape[bShape.size() - 2];
  if (k1 != kDynamic && k2 != kDynamic && k1 != k2)
    return op->emitOpError() << "contraction dimensions differ: " << k1
                             << " vs " << k2;
  FailureOr<SmallVector<int64_t>> batch =
      broadcastShapes(op, ArrayRef(aShape).drop_back(2),
                      ArrayRef(bShape).drop_back(2));
  if (failed(batch))
    return failure();
  SmallVector<int64_t> shape = *batch;
  if (!aVector)
    shape.push_back(aShape[aShape.size() - 2]);
  if (!bVector)
    shape.push_back(bShape.back());
  setResultType(op, 0, shape, elementType);
  return success();
}

LogicalResult MatMulOp::inferShapes() {
  return inferMatMulShape(*this, getA(), getB(), getElementType(getA()));
}

LogicalResult GemmOp::inferShapes() {
  auto a = getRankedType(getA()), b = getRankedType(getB());
  Type elementType = getElementType(getA());
  if (!a || !b) {
    setUnrankedResultType(*this, 0, elementType);
    return success();
  }
  if (a.getRank() != 2 || b.getRank() != 2)
    return emitOpError("A and B must be 2-D");
  int64_t m = a.getDimSize(getTransA() ? 1 : 0);
  int64_t ka = a.getDimSize(getTransA() ? 0 : 1);
  int64_t kb = b.getDimSize(getTransB() ? 1 : 0);
  int64_t n = b.getDimSize(getTransB() ? 0 : 1);
  if (ka != kDynamic && kb != kDynamic && ka != kb)
    return emitOpError() << "inner dimensions differ: " << ka << " vs " << kb;
  SmallVector<int64_t> shape = {m, n};
  if (auto c = getRankedType(getC())) {
    // C broadcasts unidirectionally to [M, N].
    FailureOr<SmallVector<int64_t>> merged =
        broadcastShapes(*this, shape, c.getShape());
    if (failed(merged))
      return failure();
    if (c.getRank() > 2)
      return emitOpError("C must be broadcastable to [M, N]");
    shape = *merged;
  }
  setResultType(*this, 0, shape, elementType);
  return success();
}

/// Parses "ab,bc->ac" style equations. The implicit form (no "->") sums
/// over repeated letters and orders the output alphabetically.
LogicalResult EinsumOp::inferShapes() {
  Type elementType = getElementType(getInputs()[0]);
  std::string equation;
  for (char c : getEquation())
    if (c != ' ')
      equation.push_back(c);
  StringRef eq(equation);
  auto [lhs, rhs] = eq.split("->");
  bool explicitOutput = eq.contains("->");
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (terms.size() != getInputs().size())
    return emitOpError() << "equation has " << terms.size()
                         << " operand terms but the op has "
                         << getInputs().size() << " inputs";
  llvm::StringMap<int64_t> letterSize;
  llvm::StringMap<int> letterCount;
  SmallVector<int64_t> ellipsisShape;
  bool sawEllipsis = false;
  for (auto [term, input] : llvm::zip(terms, getInputs())) {
    auto type = getRankedType(input);
    if (!type) {
      setUnrankedResultType(*this, 0, elementType);
      return success();
    }
    size_t ellipsis = term.find("...");
    size_t letters = term.size() - (ellipsis == StringRef::npos ? 0 : 3);
    int64_t ellipsisRank = type.getRank() - letters;
    if (ellipsisRank < 0 || (ellipsis == StringRef::npos && ellipsisRank))
      return emitOpError() << "term '" << term << "' does not match rank "
                           << type.getRank();
    int64_t dim = 0;
    for (size_t i = 0; i < term.size(); ++i) {
      if (i == ellipsis) {
        SmallVector<int64_t> shape(
            type.getShape().slice(dim, ellipsisRank));
        FailureOr<SmallVector<int64_t>> merged =
            broadcastShapes(*this, ellipsisShape, shape);
        if (failed(merged))
          return failure();
        ellipsisShape = *merged;
        sawEllipsis = true;
        dim += ellipsisRank;
        i += 2;
        continue;
      }
      StringRef letter = term.substr(i, 1);
      int64_t size = type.getDimSize(dim++);
      auto [it, inserted] = letterSize.try_emplace(letter, size);
      if (!inserted && it->second != size) {
        if (it->second == kDynamic || it->second == 1)
          it->second = size;
        else if (size != kDynamic && size != 1)
          return emitOpError() << "label '" << letter << "' has sizes "
                               << it->second << " and " << size;
      }
      ++letterCount[letter];
    }
  }
  SmallVector<int64_t> shape;
  if (explicitOutput) {
    for (size_t i = 0; i < rhs.size(); ++i) {
      if (rhs.substr(i).starts_with("...")) {
        shape.append(ellipsisShape);
        i += 2;
        continue;
      }
      auto it = letterSize.find(rhs.substr(i, 1));
      if (it == letterSize.end())
        return emitOpError() << "output label '" << rhs.substr(i, 1)
                             << "' does not appear in the inputs";
      shape.push_back(it->second);
    }
  } else {
    if (sawEllipsis)
      shape.append(ellipsisShape);
    SmallVector<StringRef> once;
    for (auto &entry : letterCount)
      if (entry.second == 1)
        once.push_back(entry.first());
    llvm::sort(once);
    for (StringRef letter : once)
      shape.push_back(letterSize[letter]);
  }
  setResultType(*this, 0, shape, elementType);
  return success();
}

} // namespace onnxc::onnx_ir
