// Pieces shared by the converters' shape functions (OpConverter::shape) and lowerings
// (OpConverter::lower): errors that name the node, reading constant operands, and the
// shape rules many ops share (same shape as the input, TF broadcasting).
#ifndef TFTRT_ENGINE_OPS_SHAPE_HELPERS_H_
#define TFTRT_ENGINE_OPS_SHAPE_HELPERS_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/ops/op_converter.h"
#include "kernels/cpu/window.h"

namespace tftrt {

using ShapeList = std::vector<Shape>;

// InvalidArgument "'<node>' (<Op>): <message>".
Status NodeShapeError(const Node& node, std::string_view message);
// `status` (an error) with the node named in front, keeping its code; a leading "<Op>: "
// from a shared kernel helper is dropped, since the node's description names the op.
Status WithNode(const Node& node, const Status& status);

// InvalidArgument unless there are at least `count` inputs.
Status CheckNumInputs(const Node& node, const std::vector<LayerInput>& inputs, int count);
// InvalidArgument unless input `index` has rank `rank`.
Status CheckInputRank(const Node& node, const std::vector<LayerInput>& inputs, int index, int rank,
                      std::string_view what);

// The values of input `index`, an int32 or int64 constant; InvalidArgument naming `what`
// when it has no value (not a constant, or not folded to one).
StatusOr<std::vector<int64_t>> ConstantIndexValues(const Node& node,
                                                   const std::vector<LayerInput>& inputs, int index,
                                                   std::string_view what);
// The single value of input `index` (a scalar or 1-element integer constant).
StatusOr<int64_t> ConstantIndexScalar(const Node& node, const std::vector<LayerInput>& inputs,
                                      int index, std::string_view what);

// `axis` in [-rank, rank) made non-negative, or InvalidArgument naming `what`.
StatusOr<int64_t> NormalizeAxis(const Node& node, int64_t axis, int64_t rank,
                                std::string_view what);

// Shape functions shared by many ops.
StatusOr<ShapeList> SameShapeAsInput0(const Node& node, const std::vector<LayerInput>& inputs);
// Every input broadcast together (TF's rules: kernels/cpu/broadcast.h).
StatusOr<ShapeList> BroadcastAllInputs(const Node& node, const std::vector<LayerInput>& inputs);

// Sets the explicit pads of a convolution or pooling window (TF's SAME puts the odd pad
// at the bottom / right).
template <typename Params>
void SetWindowPads(const Window2D& window, Params* params) {
  params->set_pad_top(window.pad_top);
  params->set_pad_bottom(window.pad_bottom);
  params->set_pad_left(window.pad_left);
  params->set_pad_right(window.pad_right);
}

}  // namespace tftrt

#endif  // TFTRT_ENGINE_OPS_SHAPE_HELPERS_H_
