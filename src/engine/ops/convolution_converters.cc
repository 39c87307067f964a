// Converters for convolutions: Conv2D, DepthwiseConv2dNative and the transposed
// convolution (Conv2DBackpropInput). Filters must be constants (engine weights).
//
// Output sizes and pads come from runtime/window_attrs.h, which the native kernels
// use too, so an engine's convolution has exactly the geometry TF's has.
#include "engine/ops/converter_checks.h"
#include "engine/ops/shape_helpers.h"
#include "runtime/window_attrs.h"

namespace tftrt {
namespace {

StatusOr<Conv2DShape> Conv2DGeometry(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 2));
  auto attrs = ReadConvWindowAttrs(node);
  if (!attrs.ok()) return WithNode(node, attrs.status());
  auto shape = MakeConv2DShape(node, *attrs, inputs[0].shape, inputs[1].shape);
  if (!shape.ok()) return WithNode(node, shape.status());
  return *shape;
}

StatusOr<DepthwiseConv2DShape> DepthwiseGeometry(const Node& node,
                                                 const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 2));
  auto attrs = ReadConvWindowAttrs(node);
  if (!attrs.ok()) return WithNode(node, attrs.status());
  auto shape = MakeDepthwiseConv2DShape(node, *attrs, inputs[0].shape, inputs[1].shape);
  if (!shape.ok()) return WithNode(node, shape.status());
  return *shape;
}

// Conv2DBackpropInput(input_sizes, filter, out_backprop): the geometry of the forward
// convolution whose input gradient it computes, and that input's shape.
struct TransposedGeometry {
  Shape input_shape;
  Conv2DShape forward;
};

StatusOr<TransposedGeometry> BackpropInputGeometry(const Node& node,
                                                   const std::vector<LayerInput>& inputs) {
  TFTRT_RETURN_IF_ERROR(CheckNumInputs(node, inputs, 3));
  if (inputs[0].value == nullptr) {
    return NodeShapeError(node,
                          "input_sizes (input 0) must be a constant to know the output "
                          "shape, and it has no value");
  }
  auto attrs = ReadConvWindowAttrs(node);
  if (!attrs.ok()) return WithNode(node, attrs.status());
  TransposedGeometry geometry;
  auto sizes = Conv2DBackpropInputSizes(node, *inputs[0].value, inputs[1].shape, inputs[2].shape);
  if (!sizes.ok()) return WithNode(node, sizes.status());
  geometry.input_shape = *sizes;
  auto forward = MakeConv2DBackpropInputShape(node, *attrs, geometry.input_shape, inputs[1].shape,
                                              inputs[2].shape);
  if (!forward.ok()) return WithNode(node, forward.status());
  geometry.forward = *forward;
  return geometry;
}

StatusOr<ShapeList> Conv2DOutputShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_ASSIGN_OR_RETURN(Conv2DShape s, Conv2DGeometry(node, inputs));
  return ShapeList{{s.batch, s.window.out_rows, s.window.out_cols, s.out_depth}};
}

StatusOr<ShapeList> DepthwiseOutputShape(const Node& node, const std::vector<LayerInput>& inputs) {
  TFTRT_ASSIGN_OR_RETURN(DepthwiseConv2DShape s, DepthwiseGeometry(node, inputs));
  return ShapeList{{s.batch, s.window.out_rows, s.window.out_cols, s.out_depth()}};
}

StatusOr<ShapeList> BackpropInputOutputShape(const Node& node,
                                             const std::vector<LayerInput>& inputs) {
  TFTRT_ASSIGN_OR_RETURN(TransposedGeometry g, BackpropInputGeometry(node, inputs));
  return ShapeList{g.input_shape};
}

void SetWindow(const Window2D& w, ConvolutionParams* params) {
  params->set_kernel_h(w.filter_rows);
  params->set_kernel_w(w.filter_cols);
  params->set_stride_h(w.stride_rows);
  params->set_stride_w(w.stride_cols);
  params->set_dilation_h(w.dilation_rows);
  params->set_dilation_w(w.dilation_cols);
  SetWindowPads(w, params);
  params->set_layout("NHWC");
}

Status LowerConv2D(const Node& node, const std::vector<LayerInput>& inputs, EngineLayer* layer) {
  TFTRT_ASSIGN_OR_RETURN(Conv2DShape s, Conv2DGeometry(node, inputs));
  ConvolutionParams* params = layer->mutable_convolution();
  SetWindow(s.window, params);
  params->set_groups(s.groups());
  return Status::Ok();
}

Status LowerDepthwise(const Node& node, const std::vector<LayerInput>& inputs, EngineLayer* layer) {
  TFTRT_ASSIGN_OR_RETURN(DepthwiseConv2DShape s, DepthwiseGeometry(node, inputs));
  ConvolutionParams* params = layer->mutable_convolution();
  SetWindow(s.window, params);
  params->set_groups(s.in_depth);
  return Status::Ok();
}

// The pads are the forward convolution's: the transposed convolution crops them.
Status LowerBackpropInput(const Node& node, const std::vector<LayerInput>& inputs,
                          EngineLayer* layer) {
  TFTRT_ASSIGN_OR_RETURN(TransposedGeometry g, BackpropInputGeometry(node, inputs));
  ConvolutionParams* params = layer->mutable_convolution();
  SetWindow(g.forward.window, params);
  params->set_groups(g.forward.groups());
  params->set_transposed(true);
  return Status::Ok();
}

}  // namespace

void RegisterConvolutionConverters(ConverterTable& table) {
  using engine_dtypes::kFloat;
  table.Register({.op = "Conv2D",
                  .dtypes = kFloat,
                  .weight_inputs = {1},
                  .check = &RequireNhwc,
                  .conditions = "data_format=NHWC",
                  .kind = LAYER_KIND_CONVOLUTION,
                  .shape = &Conv2DOutputShape,
                  .lower = &LowerConv2D});
  table.Register({.op = "DepthwiseConv2dNative",
                  .dtypes = kFloat,
                  .weight_inputs = {1},
                  .check = &RequireNhwc,
                  .conditions = "data_format=NHWC",
                  .kind = LAYER_KIND_CONVOLUTION,
                  .shape = &DepthwiseOutputShape,
                  .lower = &LowerDepthwise});
  // Inputs: input_sizes (int32 shape), filter, out_backprop.
  table.Register({.op = "Conv2DBackpropInput",
                  .dtypes = kFloat,
                  .weight_inputs = {0, 1},
                  .check = &RequireNhwc,
                  .conditions = "data_format=NHWC",
                  .kind = LAYER_KIND_CONVOLUTION,
                  .shape = &BackpropInputOutputShape,
                  .lower = &LowerBackpropInput});
}

}  // namespace tftrt
