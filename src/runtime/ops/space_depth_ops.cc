// Rearrangements between space and batch or depth: SpaceToBatchND, BatchToSpaceND (what
// TF lowers dilated convolutions to), SpaceToDepth, DepthToSpace (NHWC; TF's CPU kernels
// take no other layout). Elements are moved, never computed, so every dtype is handled by
// its storage type (kernels/cpu/element_storage.h): *ToBatchND for real numbers,
// *ToSpace / *ToDepth for every dtype, as TF registers them.
// Semantics and errors follow tensorflow/core/kernels/spacetobatch_op.cc,
// batchtospace_op.cc, spacetodepth_op.cc and depthtospace_op.cc.
#include <algorithm>
#include <string>
#include <vector>

#include "graph/attrs.h"
#include "kernels/cpu/element_storage.h"
#include "runtime/ops/array_ops_internal.h"

namespace tftrt {
namespace {

using array_ops::DimsProduct;
using array_ops::ReadIndexValues;
using array_ops::ValuesToString;

// The checked block_shape [M] and paddings / crops [M, 2] of a *ToBatchND / *ToSpaceND.
struct BlockSpec {
  std::vector<int64_t> block;
  std::vector<int64_t> pads;  // before, after for each of the M block dimensions
};

StatusOr<BlockSpec> ReadBlockSpec(const OpKernelContext& ctx, std::string_view pads_name) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 3));
  const Tensor& input = ctx.input(0);
  const Tensor& block_shape = ctx.input(1);
  const Tensor& pads = ctx.input(2);
  if (block_shape.rank() != 1) {
    return OpError(ctx, "block_shape must be one-dimensional, got shape " +
                            ShapeToString(block_shape.shape()));
  }
  const int64_t m = block_shape.dim(0);
  if (pads.rank() != 2 || pads.dim(0) != m || pads.dim(1) != 2) {
    return OpError(ctx, std::string(pads_name) + " should have shape [" + std::to_string(m) +
                            ", 2] instead of " + ShapeToString(pads.shape()));
  }
  if (input.rank() < 1 + m) {
    return OpError(ctx, "input rank should be >= " + std::to_string(1 + m) + " instead of " +
                            std::to_string(input.rank()));
  }
  // TF registers these two for real numbers only (no bool, string or complex kernel).
  if (!IsPodDataType(input.dtype()) || input.dtype() == DataType::kBool ||
      input.dtype() == DataType::kComplex64 || input.dtype() == DataType::kComplex128) {
    return OpError(ctx, "unsupported dtype " + std::string(DataTypeName(input.dtype())));
  }
  BlockSpec spec;
  TFTRT_ASSIGN_OR_RETURN(spec.block, ReadIndexValues(ctx, 1, "block_shape"));
  TFTRT_ASSIGN_OR_RETURN(spec.pads, ReadIndexValues(ctx, 2, pads_name));
  for (int64_t value : spec.block) {
    if (value < 1) {
      return OpError(ctx, "Block shape must be positive, got " + ValuesToString(spec.block));
    }
  }
  for (int64_t value : spec.pads) {
    if (value < 0) {
      return OpError(
          ctx, (pads_name == "crops" ? std::string("Crops") : std::string("Negative paddings")) +
                   " must be non-negative: " + ValuesToString(spec.pads));
    }
  }
  return spec;
}

// The mapping between a "space" tensor [batch, s_1..s_M, rest] (padded or cropped) and a
// "batch" tensor [batch * prod(block), s_1 / b_1 .. s_M / b_M, rest]. Batch element
// (offset * batch + n), where offset enumerates the block offsets row-major, holds the
// space elements of image n at positions p_i = o_i * b_i + offset_i - pad_before_i.
struct BlockMapping {
  int64_t batch = 0;                // of the space tensor
  std::vector<int64_t> space_dims;  // s_i of the space tensor (unpadded)
  std::vector<int64_t> batch_dims;  // spatial dims of the batch tensor
  std::vector<int64_t> block, pad_before;
  int64_t rest = 1;  // elements per spatial position

  // Calls copy(space_index, batch_index) for every batch-tensor element (in units of
  // `rest`) that maps inside the space tensor; the rest of the batch tensor is padding.
  template <typename Fn>
  void ForEach(Fn&& copy) const {
    const int64_t m = static_cast<int64_t>(block.size());
    const int64_t blocks = DimsProduct(block, 0, m);
    const int64_t positions = DimsProduct(batch_dims, 0, m);
    std::vector<int64_t> offset(m), pos(m);
    for (int64_t k = 0; k < blocks; ++k) {
      for (int64_t i = m, rem = k; i-- > 0;) {
        offset[i] = rem % block[i];
        rem /= block[i];
      }
      for (int64_t n = 0; n < batch; ++n) {
        const int64_t batch_base = (k * batch + n) * positions;
        for (int64_t q = 0; q < positions; ++q) {
          int64_t space_index = n;
          bool inside = true;
          for (int64_t i = 0, rem = q, stride = positions; i < m; ++i) {
            stride /= batch_dims[i];
            const int64_t o = rem / stride;
            rem %= stride;
            const int64_t p = o * block[i] + offset[i] - pad_before[i];
            inside = inside && p >= 0 && p < space_dims[i];
            space_index = space_index * space_dims[i] + p;
          }
          if (inside) copy(space_index, batch_base + q);
        }
      }
    }
  }
};

// Moves whole `rest`-element runs between the space and the batch tensor.
void MoveBlocks(const BlockMapping& mapping, const Tensor& from, Tensor& to, bool to_batch) {
  VisitElementStorage(from.dtype(), [&]<typename S>(std::type_identity<S>) {
    const S* in = StorageData<S>(from);
    S* out = StorageData<S>(to);
    const int64_t rest = mapping.rest;
    mapping.ForEach([&](int64_t space_index, int64_t batch_index) {
      if (to_batch) {
        std::copy_n(in + space_index * rest, rest, out + batch_index * rest);
      } else {
        std::copy_n(in + batch_index * rest, rest, out + space_index * rest);
      }
    });
  });
}

Status SpaceToBatchND(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(BlockSpec spec, ReadBlockSpec(ctx, "paddings"));
  const Tensor& input = ctx.input(0);
  const int64_t m = static_cast<int64_t>(spec.block.size());
  BlockMapping mapping;
  mapping.batch = input.dim(0);
  mapping.block = spec.block;
  mapping.rest = DimsProduct(input.shape(), 1 + m, input.rank());
  Shape output_shape = {input.dim(0) * DimsProduct(spec.block, 0, m)};
  for (int64_t i = 0; i < m; ++i) {
    const int64_t padded = input.dim(1 + i) + spec.pads[2 * i] + spec.pads[2 * i + 1];
    if (padded % spec.block[i] != 0) {
      return OpError(ctx, "padded_shape[" + std::to_string(i) + "]=" + std::to_string(padded) +
                              " is not divisible by block_shape[" + std::to_string(i) +
                              "]=" + std::to_string(spec.block[i]));
    }
    mapping.space_dims.push_back(input.dim(1 + i));
    mapping.batch_dims.push_back(padded / spec.block[i]);
    mapping.pad_before.push_back(spec.pads[2 * i]);
    output_shape.push_back(padded / spec.block[i]);
  }
  output_shape.insert(output_shape.end(), input.shape().begin() + 1 + m, input.shape().end());
  TFTRT_RETURN_IF_ERROR(array_ops::CheckAllocatable(ctx, input.dtype(), output_shape));
  Tensor output(input.dtype(), output_shape);  // zero-filled: the padding
  MoveBlocks(mapping, input, output, /*to_batch=*/true);
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

Status BatchToSpaceND(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(BlockSpec spec, ReadBlockSpec(ctx, "crops"));
  const Tensor& input = ctx.input(0);
  const int64_t m = static_cast<int64_t>(spec.block.size());
  const int64_t blocks = DimsProduct(spec.block, 0, m);
  if (input.dim(0) % blocks != 0) {
    return OpError(ctx, "Input batch dimension (" + std::to_string(input.dim(0)) +
                            ") is not divisible by product of block sizes (" +
                            std::to_string(blocks) + ")");
  }
  BlockMapping mapping;
  mapping.batch = input.dim(0) / blocks;
  mapping.block = spec.block;
  mapping.rest = DimsProduct(input.shape(), 1 + m, input.rank());
  Shape output_shape = {mapping.batch};
  for (int64_t i = 0; i < m; ++i) {
    const int64_t cropped =
        input.dim(1 + i) * spec.block[i] - spec.pads[2 * i] - spec.pads[2 * i + 1];
    if (cropped < 0) {
      return OpError(ctx, "cropped_shape[" + std::to_string(i) + "]=" + std::to_string(cropped) +
                              " must be non-negative");
    }
    mapping.space_dims.push_back(cropped);
    mapping.batch_dims.push_back(input.dim(1 + i));
    mapping.pad_before.push_back(spec.pads[2 * i]);
    output_shape.push_back(cropped);
  }
  output_shape.insert(output_shape.end(), input.shape().begin() + 1 + m, input.shape().end());
  Tensor output(input.dtype(), output_shape);
  MoveBlocks(mapping, input, output, /*to_batch=*/false);
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

// block_size and the NHWC check shared by SpaceToDepth and DepthToSpace.
StatusOr<int64_t> ReadDepthBlockSize(const OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(ctx, 1));
  TFTRT_ASSIGN_OR_RETURN(int64_t block_size, GetIntAttr(ctx.node(), "block_size"));
  if (block_size < 2) {
    return OpError(ctx, "Value for attr 'block_size' of " + std::to_string(block_size) +
                            " must be at least minimum 2");
  }
  TFTRT_ASSIGN_OR_RETURN(std::string format, GetStringAttrOr(ctx.node(), "data_format", "NHWC"));
  if (format != "NHWC") {
    return OpError(ctx, "Only NHWC data_format supported on CPU. Got " + format);
  }
  if (ctx.input(0).rank() != 4) {
    return OpError(ctx,
                   "Input rank should be: 4 instead of: " + std::to_string(ctx.input(0).rank()));
  }
  return block_size;
}

// Moves elements between a "depth" tensor [n, h, w, bs * bs * c] and a "space" tensor
// [n, h * bs, w * bs, c]: depth[n, y, x, (dy * bs + dx) * c + ch] is
// space[n, y * bs + dy, x * bs + dx, ch].
void MoveDepthBlocks(const Tensor& from, Tensor& to, int64_t bs, bool to_depth) {
  const Tensor& depth_tensor = to_depth ? to : from;
  const int64_t batch = depth_tensor.dim(0), rows = depth_tensor.dim(1);
  const int64_t cols = depth_tensor.dim(2), channels = depth_tensor.dim(3) / (bs * bs);
  VisitElementStorage(from.dtype(), [&]<typename S>(std::type_identity<S>) {
    const S* in = StorageData<S>(from);
    S* out = StorageData<S>(to);
    for (int64_t n = 0; n < batch; ++n) {
      for (int64_t y = 0; y < rows; ++y) {
        for (int64_t x = 0; x < cols; ++x) {
          for (int64_t dy = 0; dy < bs; ++dy) {
            for (int64_t dx = 0; dx < bs; ++dx) {
              const int64_t depth_index =
                  (((n * rows + y) * cols + x) * bs * bs + dy * bs + dx) * channels;
              const int64_t space_index =
                  ((n * rows * bs + y * bs + dy) * cols * bs + x * bs + dx) * channels;
              if (to_depth) {
                std::copy_n(in + space_index, channels, out + depth_index);
              } else {
                std::copy_n(in + depth_index, channels, out + space_index);
              }
            }
          }
        }
      }
    }
  });
}

Status SpaceToDepth(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(int64_t bs, ReadDepthBlockSize(ctx));
  const Tensor& input = ctx.input(0);
  if (input.dim(1) % bs != 0 || input.dim(2) % bs != 0) {
    return OpError(ctx, "Image width " + std::to_string(input.dim(2)) + " and height " +
                            std::to_string(input.dim(1)) +
                            " should be divisible by block_size: " + std::to_string(bs));
  }
  Tensor output(input.dtype(),
                {input.dim(0), input.dim(1) / bs, input.dim(2) / bs, input.dim(3) * bs * bs});
  MoveDepthBlocks(input, output, bs, /*to_depth=*/true);
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

Status DepthToSpace(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(int64_t bs, ReadDepthBlockSize(ctx));
  const Tensor& input = ctx.input(0);
  if (input.dim(3) % (bs * bs) != 0) {
    return OpError(ctx, "Input depth dimension " + std::to_string(input.dim(3)) +
                            " should be divisible by: " + std::to_string(bs * bs));
  }
  Tensor output(input.dtype(),
                {input.dim(0), input.dim(1) * bs, input.dim(2) * bs, input.dim(3) / (bs * bs)});
  MoveDepthBlocks(input, output, bs, /*to_depth=*/false);
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

}  // namespace

void RegisterSpaceDepthOps(KernelRegistry& registry) {
  registry.Register("SpaceToBatchND", SpaceToBatchND);
  registry.Register("BatchToSpaceND", BatchToSpaceND);
  registry.Register("SpaceToDepth", SpaceToDepth);
  registry.Register("DepthToSpace", DepthToSpace);
}

}  // namespace tftrt
