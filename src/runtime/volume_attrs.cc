#include "runtime/volume_attrs.h"

#include <string>
#include <vector>

#include "graph/attrs.h"
#include "kernels/cpu/window.h"

namespace tftrt {
namespace {

Status Error(const Node& node, const std::string& message) {
  return Status::InvalidArgument(node.op + ": " + message);
}

Status CheckNdhwc(const Node& node, const std::string& unsupported_message) {
  TFTRT_ASSIGN_OR_RETURN(std::string format, GetStringAttrOr(node, "data_format", "NDHWC"));
  if (format != "NDHWC") return Status::Unimplemented(node.op + ": " + unsupported_message);
  return Status::Ok();
}

// A 5-entry NDHWC list attribute whose batch and channel entries must be 1.
StatusOr<std::vector<int64_t>> ReadVolumeList(const Node& node, const char* name,
                                              std::vector<int64_t> fallback,
                                              const std::string& size_error,
                                              const std::string& outer_error) {
  std::vector<int64_t> values = std::move(fallback);
  if (HasAttr(node, name)) {
    TFTRT_ASSIGN_OR_RETURN(values, GetIntListAttr(node, name));
  }
  if (values.size() != 5) return Error(node, size_error);
  if (values[0] != 1 || values[4] != 1) return Error(node, outer_error);
  for (int64_t v : values) {
    if (v < 1) return Error(node, std::string(name) + " must be positive");
  }
  return values;
}

// Output sizes and pads of the three spatial dimensions.
Status FillWindow(const Node& node, const Shape& input, Window3D& w) {
  TFTRT_ASSIGN_OR_RETURN(std::string padding_name, GetStringAttr(node, "padding"));
  if (padding_name != "SAME" && padding_name != "VALID") {
    return Error(node, "padding must be SAME or VALID, got " + padding_name);
  }
  const Padding padding = padding_name == "SAME" ? Padding::kSame : Padding::kValid;
  for (int d = 0; d < 3; ++d) {
    auto size = ComputeWindowedSize(input[1 + d], w.filter[d], w.dilation[d], w.stride[d], padding);
    if (!size.ok()) return Error(node, size.status().message());
    w.out[d] = size->output;
    w.pad_before[d] = size->pad_before;
    w.pad_after[d] = size->pad_after;
  }
  return Status::Ok();
}

Status CheckRank5(const Node& node, const Shape& shape, const char* what) {
  if (shape.size() == 5) return Status::Ok();
  return Error(node, std::string(what) + " must be 5-dimensional" + ShapeToString(shape));
}

}  // namespace

StatusOr<Volume3DShape> MakeConv3DShape(const Node& node, const Shape& input, const Shape& filter) {
  TFTRT_RETURN_IF_ERROR(CheckNdhwc(node, "only the NDHWC data_format is supported"));
  TFTRT_ASSIGN_OR_RETURN(
      std::vector<int64_t> strides,
      ReadVolumeList(node, "strides", {}, "Sliding window strides field must specify 5 dimensions",
                     "Current implementation does not yet support strides in the batch and "
                     "depth dimensions."));
  TFTRT_ASSIGN_OR_RETURN(
      std::vector<int64_t> dilations,
      ReadVolumeList(node, "dilations", {1, 1, 1, 1, 1},
                     "Sliding window dilations field must specify 5 dimensions",
                     "Current implementation does not yet support dilations in the batch and "
                     "depth dimensions."));
  TFTRT_RETURN_IF_ERROR(CheckRank5(node, input, "input"));
  TFTRT_RETURN_IF_ERROR(CheckRank5(node, filter, "filter"));
  if (input[4] != filter[3]) {
    return Error(node, "input and filter must have the same depth: " + std::to_string(input[4]) +
                           " vs " + std::to_string(filter[3]));
  }
  Volume3DShape s;
  s.batch = input[0];
  s.in = {input[1], input[2], input[3]};
  s.in_depth = input[4];
  s.out_depth = filter[4];
  for (int d = 0; d < 3; ++d) {
    s.window.filter[d] = filter[d];
    s.window.stride[d] = strides[1 + d];
    s.window.dilation[d] = dilations[1 + d];
  }
  TFTRT_RETURN_IF_ERROR(FillWindow(node, input, s.window));
  return s;
}

StatusOr<Volume3DShape> MakePool3DShape(const Node& node, const Shape& input) {
  TFTRT_RETURN_IF_ERROR(
      CheckNdhwc(node, "Default Pooling3DOp only supports NDHWC on device type CPU"));
  const std::string outer = "Pooling is not yet supported on the batch nor channel dimension.";
  TFTRT_ASSIGN_OR_RETURN(
      std::vector<int64_t> ksize,
      ReadVolumeList(node, "ksize", {}, "Sliding window ksize field must specify 5 dimensions",
                     outer));
  TFTRT_ASSIGN_OR_RETURN(
      std::vector<int64_t> strides,
      ReadVolumeList(node, "strides", {}, "Sliding window stride field must specify 5 dimensions",
                     outer));
  TFTRT_RETURN_IF_ERROR(CheckRank5(node, input, "tensor_in"));
  Volume3DShape s;
  s.batch = input[0];
  s.in = {input[1], input[2], input[3]};
  s.in_depth = s.out_depth = input[4];
  for (int d = 0; d < 3; ++d) {
    s.window.filter[d] = ksize[1 + d];
    s.window.stride[d] = strides[1 + d];
  }
  TFTRT_RETURN_IF_ERROR(FillWindow(node, input, s.window));
  return s;
}

Shape Volume3DOutputShape(const Volume3DShape& shape, int64_t depth) {
  return {shape.batch, shape.window.out[0], shape.window.out[1], shape.window.out[2], depth};
}

}  // namespace tftrt
