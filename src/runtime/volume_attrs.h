// The attributes of TF's 3-D convolution and pooling nodes (Conv3D, MaxPool3D, AvgPool3D:
// strides, dilations, ksize, padding, data_format), read and checked as TF's CPU kernels
// do, and the geometry they give for concrete shapes. Shared by the native kernels
// (runtime/ops/volume_ops.cc) and the engine converters, so a pad or an output size is
// computed in one place. Errors are "<op>: <message>" (InvalidArgument for bad input,
// Unimplemented for a layout other than NDHWC, which TF's CPU kernels lack too).
#ifndef TFTRT_RUNTIME_VOLUME_ATTRS_H_
#define TFTRT_RUNTIME_VOLUME_ATTRS_H_

#include "graph/graph.h"
#include "kernels/cpu/volume.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

// Conv3D of an NDHWC input [batch, planes, rows, cols, depth] by a DHWIO filter.
StatusOr<Volume3DShape> MakeConv3DShape(const Node& node, const Shape& input, const Shape& filter);

// MaxPool3D / AvgPool3D of an NDHWC input.
StatusOr<Volume3DShape> MakePool3DShape(const Node& node, const Shape& input);

// [batch, out planes, out rows, out cols, depth] of a shape made above.
Shape Volume3DOutputShape(const Volume3DShape& shape, int64_t depth);

}  // namespace tftrt

#endif  // TFTRT_RUNTIME_VOLUME_ATTRS_H_
