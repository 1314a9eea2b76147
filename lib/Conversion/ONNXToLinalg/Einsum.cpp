//===- Einsum.cpp - Einsum to linalg --------------------------------------===//
//
// Einsum becomes one contraction: a loop per distinct label (the output's
// labels first, in output order, then the summed ones), each operand read
// through the map of its labels. A label repeated in one operand reads a
// diagonal (the same loop twice in its map); an operand dim of size 1 where
// the label's loop is longer broadcasts (read at 0); an ellipsis stands for
// the broadcast of the operands' leading dims, aligned at the right. The
// implicit form ("ij,jk") outputs the ellipsis dims, then the labels that
// occur once, in alphabetical order. Two-operand products that are plain
// (batch) matmuls become linalg.matmul / linalg.batch_matmul.
// f16 accumulates in f32; unsigned integers in their signless type.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "ComputeTypes.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"

#include "llvm/ADT/STLExtras.h"

#include <map>

using namespace mlir;
using namespace onnxc::onnx_ir;
using namespace onnxc::linalg_lowering;

namespace onnxc {
namespace {

/// Labels are letters, or the dims an ellipsis covers counted from its left
/// end: kFirstEllipsisLabel + k.
constexpr int kFirstEllipsisLabel = 256;

/// An Einsum equation resolved against the ranks of its operands.
struct EinsumEquation {
  SmallVector<SmallVector<int>> operandLabels;
  SmallVector<int> outputLabels;
};

/// Parses `equation` for operands of `ranks`; fails on malformed equations.
FailureOr<EinsumEquation> parseEinsum(StringRef equation,
                                      ArrayRef<int64_t> ranks) {
  std::string compact;
  for (char c : equation)
    if (c != ' ')
      compact.push_back(c);
  StringRef eq(compact);
  auto [lhs, rhs] = eq.split("->");
  bool explicitOutput = eq.contains("->");
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (terms.size() != ranks.size())
    return failure();

  // Every term's letters, and how many dims its ellipsis covers.
  EinsumEquation result;
  int64_t ellipsisRank = 0;
  bool sawEllipsis = false;
  SmallVector<int64_t> termEllipsisRanks;
  for (auto [term, rank] : llvm::zip(terms, ranks)) {
    size_t ellipsis = term.find("...");
    int64_t letters = term.size() - (ellipsis == StringRef::npos ? 0 : 3);
    int64_t covered = rank - letters;
    if (covered < 0 || (ellipsis == StringRef::npos && covered != 0))
      return failure();
    sawEllipsis |= ellipsis != StringRef::npos;
    ellipsisRank = std::max(ellipsisRank, covered);
    termEllipsisRanks.push_back(covered);
  }
  auto parseTerm = [&](StringRef term, int64_t covered,
                       SmallVector<int> &labels) -> LogicalResult {
    for (size_t i = 0; i < term.size(); ++i) {
      if (term.substr(i).starts_with("...")) {
        for (int64_t k = ellipsisRank - covered; k < ellipsisRank; ++k)
          labels.push_back(kFirstEllipsisLabel + k);
        i += 2;
        continue;
      }
      if (!llvm::isAlpha(term[i]))
        return failure();
      labels.push_back(term[i]);
    }
    return success();
  };
  for (auto [term, covered] : llvm::zip(terms, termEllipsisRanks)) {
    result.operandLabels.emplace_back();
    if (failed(parseTerm(term, covered, result.operandLabels.back())))
      return failure();
  }

  if (explicitOutput) {
    if (failed(parseTerm(rhs, ellipsisRank, result.outputLabels)))
      return failure();
  } else {
    if (sawEllipsis)
      for (int64_t k = 0; k < ellipsisRank; ++k)
        result.outputLabels.push_back(kFirstEllipsisLabel + k);
    std::map<int, int> counts;
    for (const SmallVector<int> &labels : result.operandLabels)
      for (int label : labels)
        if (label < kFirstEllipsisLabel)
          ++counts[label];
    for (auto [label, count] : counts)
      if (count == 1)
        result.outputLabels.push_back(label);
  }
  // Output labels are distinct and come from the operands.
  llvm::SmallDenseSet<int> seen;
  for (int label : result.outputLabels) {
    if (!seen.insert(label).second)
      return failure();
    bool found = llvm::any_of(result.operandLabels, [&](const auto &labels) {
      return llvm::is_contained(labels, label);
    });
    if (!found)
      return failure();
  }
  return result;
}

/// Whether `maps` are linalg.matmul's (or, with `batch`, batch_matmul's).
bool isMatmulContraction(ArrayRef<AffineMap> maps, bool batch,
                         MLIRContext *ctx) {
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> expected;
  if (batch)
    expected = {AffineMap::get(4, 0, {d(0), d(1), d(3)}, ctx),
                AffineMap::get(4, 0, {d(0), d(3), d(2)}, ctx),
                AffineMap::get(4, 0, {d(0), d(1), d(2)}, ctx)};
  else
    expected = {AffineMap::get(3, 0, {d(0), d(2)}, ctx),
                AffineMap::get(3, 0, {d(2), d(1)}, ctx),
                AffineMap::get(3, 0, {d(0), d(1)}, ctx)};
  return ArrayRef<AffineMap>(expected) == maps;
}

struct EinsumLowering : OpConversionPattern<EinsumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(EinsumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unranked result");
    SmallVector<Value> inputs(adaptor.getInputs());
    SmallVector<RankedTensorType> types;
    SmallVector<int64_t> ranks;
    for (Value v : inputs) {
      auto type = dyn_cast<RankedTensorType>(v.getType());
      if (!type)
        return rewriter.notifyMatchFailure(op, "unranked operand");
      types.push_back(type);
      ranks.push_back(type.getRank());
    }
    Type element = resultType.getElementType();
    if (inputs.empty() || !isa<FloatType, IntegerType>(element) ||
        element.isInteger(1))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    FailureOr<EinsumEquation> equation = parseEinsum(op.getEquation(), ranks);
    if (failed(equation))
      return rewriter.notifyMatchFailure(op, "malformed equation");

    // Loops: the output's labels, then the summed ones in order of
    // appearance. Each loop's size comes from an operand dim that is not
    // statically 1 where there is one.
    SmallVector<int> loops(equation->outputLabels);
    for (const SmallVector<int> &labels : equation->operandLabels)
      for (int label : labels)
        if (!llvm::is_contained(loops, label))
          loops.push_back(label);
    int64_t numLoops = loops.size();
    int64_t numOutput = equation->outputLabels.size();
    auto loopOf = [&](int label) {
      return llvm::find(loops, label) - loops.begin();
    };
    // (operand, dim) that gives each loop its size.
    SmallVector<std::pair<int64_t, int64_t>> sizeSource(numLoops, {-1, -1});
    SmallVector<int64_t> loopSizes(numLoops, 1);
    for (auto [o, labels] : llvm::enumerate(equation->operandLabels))
      for (auto [dim, label] : llvm::enumerate(labels)) {
        int64_t loop = loopOf(label);
        int64_t size = types[o].getDimSize(dim);
        bool better = sizeSource[loop].first < 0 || loopSizes[loop] == 1 ||
                      (ShapedType::isDynamic(loopSizes[loop]) && size != 1 &&
                       !ShapedType::isDynamic(size));
        if (better) {
          sizeSource[loop] = {o, dim};
          loopSizes[loop] = size;
        }
      }

    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineMap> maps;
    for (auto [o, labels] : llvm::enumerate(equation->operandLabels)) {
      SmallVector<AffineExpr> exprs;
      for (auto [dim, label] : llvm::enumerate(labels)) {
        int64_t loop = loopOf(label);
        bool broadcast = types[o].getDimSize(dim) == 1 && loopSizes[loop] != 1;
        exprs.push_back(broadcast ? getAffineConstantExpr(0, ctx)
                                  : getAffineDimExpr(loop, ctx));
      }
      maps.push_back(AffineMap::get(numLoops, 0, exprs, ctx));
    }
    // The output is indexed by the first numOutput loops, in order.
    SmallVector<AffineExpr> outExprs;
    for (int64_t d = 0; d < numOutput; ++d)
      outExprs.push_back(getAffineDimExpr(d, ctx));
    maps.push_back(AffineMap::get(numLoops, 0, outExprs, ctx));

    SmallVector<int64_t> outShape(loopSizes.begin(),
                                  loopSizes.begin() + numOutput);
    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < numOutput; ++d)
      if (ShapedType::isDynamic(outShape[d])) {
        auto [o, dim] = sizeSource[d];
        dynamicSizes.push_back(
            tensor::DimOp::create(rewriter, loc, inputs[o], dim));
      }
    Type computeType = getComputeType(element);
    bool isFloat = isa<FloatType>(computeType);
    Value acc =
        zeroAccumulator(rewriter, loc, outShape, computeType, dynamicSizes);
    auto accType = cast<RankedTensorType>(acc.getType());

    Value product;
    bool namedOperands = isFloat || element.isSignlessInteger();
    bool batchMatmul = isMatmulContraction(maps, /*batch=*/true, ctx);
    if (inputs.size() == 2 && namedOperands &&
        (batchMatmul || isMatmulContraction(maps, /*batch=*/false, ctx))) {
      product =
          batchMatmul
              ? linalg::BatchMatmulOp::create(rewriter, loc, TypeRange{accType},
                                              inputs, ValueRange{acc})
                    .getResult(0)
              : linalg::MatmulOp::create(rewriter, loc, TypeRange{accType},
                                         inputs, ValueRange{acc})
                    .getResult(0);
    } else {
      SmallVector<utils::IteratorType> iterators(
          numLoops, utils::IteratorType::reduction);
      for (int64_t d = 0; d < numOutput; ++d)
        iterators[d] = utils::IteratorType::parallel;
      product =
          linalg::GenericOp::create(
              rewriter, loc, accType, inputs, acc, maps, iterators,
              [&](OpBuilder &b, Location l, ValueRange args) {
                Value term;
                for (Value arg : args.drop_back()) {
                  Value v = toComputeType(b, l, arg, computeType);
                  term = !term ? v
                         : isFloat
                             ? Value(arith::MulFOp::create(b, l, term, v))
                             : Value(arith::MulIOp::create(b, l, term, v));
                }
                Value sum =
                    isFloat
                        ? Value(arith::AddFOp::create(b, l, args.back(), term))
                        : Value(arith::AddIOp::create(b, l, args.back(), term));
                linalg::YieldOp::create(b, l, sum);
              })
              .getResult(0);
    }
    Value result = fromComputeTensor(rewriter, loc, product,
                                     RankedTensorType::get(outShape, element));
    if (result.getType() != resultType)
      result = tensor::CastOp::create(rewriter, loc, resultType, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateONNXEinsumToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<EinsumLowering>(patterns.getContext());
}

} // namespace onnxc
