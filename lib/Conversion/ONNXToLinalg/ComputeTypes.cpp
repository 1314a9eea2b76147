//===- ComputeTypes.cpp - Scalar types the lowerings compute in -----------===//

#include "ComputeTypes.h"

#include "Common.h"

#include "mlir/IR/BuiltinOps.h"

using namespace mlir;

namespace onnxc::linalg_lowering {

Type getComputeType(Type element) {
  if (element.isF16() || element.isBF16())
    return Float32Type::get(element.getContext());
  if (auto integer = dyn_cast<IntegerType>(element))
    if (!integer.isSignless())
      return IntegerType::get(element.getContext(), integer.getWidth());
  return element;
}

Value toComputeType(OpBuilder &b, Location loc, Value v, Type computeType) {
  Type type = v.getType();
  if (type == computeType)
    return v;
  if (isa<FloatType>(type))
    return arith::ExtFOp::create(b, loc, computeType, v);
  return UnrealizedConversionCastOp::create(b, loc, computeType, v)
      .getResult(0);
}

Value fromComputeType(OpBuilder &b, Location loc, Value v, Type element) {
  Type type = v.getType();
  if (type == element)
    return v;
  if (isa<FloatType>(element))
    return arith::TruncFOp::create(b, loc, element, v);
  return UnrealizedConversionCastOp::create(b, loc, element, v).getResult(0);
}

static arith::CmpFPredicate getFloatPredicate(Ordering ordering) {
  switch (ordering) {
  case Ordering::Less:
    return arith::CmpFPredicate::OLT;
  case Ordering::LessEqual:
    return arith::CmpFPredicate::OLE;
  case Ordering::Greater:
    return arith::CmpFPredicate::OGT;
  case Ordering::GreaterEqual:
    return arith::CmpFPredicate::OGE;
  case Ordering::Equal:
    return arith::CmpFPredicate::OEQ;
  }
  llvm_unreachable("unknown ordering");
}

static arith::CmpIPredicate getIntegerPredicate(Ordering ordering,
                                                bool isUnsigned) {
  using P = arith::CmpIPredicate;
  switch (ordering) {
  case Ordering::Less:
    return isUnsigned ? P::ult : P::slt;
  case Ordering::LessEqual:
    return isUnsigned ? P::ule : P::sle;
  case Ordering::Greater:
    return isUnsigned ? P::ugt : P::sgt;
  case Ordering::GreaterEqual:
    return isUnsigned ? P::uge : P::sge;
  case Ordering::Equal:
    return P::eq;
  }
  llvm_unreachable("unknown ordering");
}

Value compareScalars(OpBuilder &b, Location loc, Ordering ordering, Value lhs,
                     Value rhs, bool isUnsigned) {
  if (isa<FloatType>(lhs.getType()))
    return arith::CmpFOp::create(b, loc, getFloatPredicate(ordering), lhs, rhs);
  return arith::CmpIOp::create(
      b, loc, getIntegerPredicate(ordering, isUnsigned), lhs, rhs);
}

Value fromComputeTensor(OpBuilder &b, Location loc, Value tensor,
                        RankedTensorType type) {
  auto computeTensorType = cast<RankedTensorType>(tensor.getType());
  if (computeTensorType.getElementType() == type.getElementType())
    return tensor;
  int64_t rank = type.getRank();
  Value init = emptyLike(b, loc, type, tensor);
  SmallVector<AffineMap> maps(2, b.getMultiDimIdentityMap(rank));
  return linalg::GenericOp::create(
             b, loc, type, tensor, init, maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(
                   nb, nl,
                   fromComputeType(nb, nl, args[0], type.getElementType()));
             })
      .getResult(0);
}

} // namespace onnxc::linalg_lowering
