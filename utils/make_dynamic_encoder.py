#!/usr/bin/env python3
"""Writes a BERT-style transformer encoder with symbolic batch and sequence
dims, built the way PyTorch exports one with dynamic axes: the head split
reshapes take their shapes from Shape -> Gather -> Concat of the running
tensors, positions come from Range over the sequence length, and the
attention mask is broadcast with Unsqueeze. Random weights (seeded).

    utils/make_dynamic_encoder.py model.onnx [--layers 2] [--hidden 256]
        [--heads 4] [--ffn 1024] [--vocab 1000] [--max-positions 512]

Inputs: input_ids int64[batch, sequence], attention_mask int64[batch,
sequence]; output: last_hidden_state float32[batch, sequence, hidden].
"""
import argparse
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Builder:
    def __init__(self, seed):
        self.nodes, self.inits, self.count = [], [], 0
        self.rng = np.random.default_rng(seed)

    def name(self, hint):
        self.count += 1
        return f"{hint}_{self.count}"

    def op(self, op_type, inputs, hint=None, **attrs):
        out = self.name(hint or op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=out, **attrs))
        return out

    def const(self, value, hint="c"):
        name = self.name(hint)
        self.inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def weight(self, *shape, scale=0.05, hint="w"):
        return self.const((self.rng.standard_normal(shape) * scale).astype(np.float32), hint)

    def dim(self, tensor, axis):
        """The 1-element int64 tensor holding dim `axis` of `tensor`."""
        shape = self.op("Shape", [tensor])
        return self.op("Gather", [shape, self.const(np.array([axis], np.int64))], axis=0)

    def linear(self, x, n_in, n_out):
        return self.op("Add", [self.op("MatMul", [x, self.weight(n_in, n_out)]),
                               self.weight(n_out, scale=0.01)])

    def layer_norm(self, x, width):
        gamma = self.const((1 + 0.1 * self.rng.standard_normal(width)).astype(np.float32))
        return self.op("LayerNormalization", [x, gamma, self.weight(width, scale=0.01)],
                       axis=-1, epsilon=1e-12)

    def gelu(self, x):
        scaled = self.op("Div", [x, self.const(np.float32(np.sqrt(2.0)))])
        erf = self.op("Erf", [scaled])
        one_plus = self.op("Add", [erf, self.const(np.float32(1.0))])
        return self.op("Mul", [self.op("Mul", [x, one_plus]), self.const(np.float32(0.5))])


def build(layers, hidden, heads, ffn, vocab, max_positions, seed=0):
    b = Builder(seed)
    head_dim = hidden // heads
    # Embeddings: word + position (Range over the run-time sequence length).
    words = b.op("Gather", [b.weight(vocab, hidden, scale=0.5), "input_ids"], axis=0)
    seq = b.op("Squeeze", [b.dim("input_ids", 1), b.const(np.array([0], np.int64))])
    positions = b.op("Range", [b.const(np.int64(0)), seq, b.const(np.int64(1))])
    pos = b.op("Gather", [b.weight(max_positions, hidden, scale=0.5), positions], axis=0)
    x = b.layer_norm(b.op("Add", [words, pos]), hidden)
    # Additive mask [batch, 1, 1, sequence]: 0 where attended, -1e4 elsewhere.
    mask = b.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    mask = b.op("Unsqueeze", [mask, b.const(np.array([1, 2], np.int64))])
    mask = b.op("Mul", [b.op("Sub", [b.const(np.float32(1.0)), mask]),
                        b.const(np.float32(-10000.0))])
    scale = b.const(np.float32(1.0 / np.sqrt(head_dim)))
    for _ in range(layers):
        batch, length = b.dim(x, 0), b.dim(x, 1)
        split = b.op("Concat", [batch, length, b.const(np.array([heads, head_dim], np.int64))], axis=0)

        def heads_first(t):
            return b.op("Transpose", [b.op("Reshape", [t, split])], perm=[0, 2, 1, 3])

        q = heads_first(b.linear(x, hidden, hidden))
        k = heads_first(b.linear(x, hidden, hidden))
        v = heads_first(b.linear(x, hidden, hidden))
        scores = b.op("Mul", [b.op("MatMul", [q, b.op("Transpose", [k], perm=[0, 1, 3, 2])]), scale])
        probs = b.op("Softmax", [b.op("Add", [scores, mask])], axis=-1)
        context = b.op("Transpose", [b.op("MatMul", [probs, v])], perm=[0, 2, 1, 3])
        merge = b.op("Concat", [batch, length, b.const(np.array([hidden], np.int64))], axis=0)
        context = b.op("Reshape", [context, merge])
        x = b.layer_norm(b.op("Add", [x, b.linear(context, hidden, hidden)]), hidden)
        h = b.gelu(b.linear(x, hidden, ffn))
        x = b.layer_norm(b.op("Add", [x, b.linear(h, ffn, hidden)]), hidden)
    b.nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"], name="output"))
    graph = helper.make_graph(
        b.nodes, "dynamic_encoder",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT,
                                       ["batch", "sequence", hidden])],
        b.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--ffn", type=int, default=1024)
    parser.add_argument("--vocab", type=int, default=1000)
    parser.add_argument("--max-positions", type=int, default=512)
    args = parser.parse_args()
    if args.hidden % args.heads:
        parser.error(f"--hidden {args.hidden} is not a multiple of --heads {args.heads}")
    model = build(args.layers, args.hidden, args.heads, args.ffn, args.vocab, args.max_positions)
    onnx.save(model, args.output)
    print(f"{args.output}: {len(model.graph.node)} nodes, symbolic batch and sequence")
    return 0


if __name__ == "__main__":
    sys.exit(main())
