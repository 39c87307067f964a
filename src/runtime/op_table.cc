#include "runtime/op_table.h"

namespace tftrt {

// Op families, one file each under runtime/ops/.
void RegisterStateOps(KernelRegistry& registry);         // Const, Identity, variables
void RegisterUnaryOps(KernelRegistry& registry);         // elementwise unary math
void RegisterBinaryOps(KernelRegistry& registry);        // broadcasting binary math
void RegisterCastOps(KernelRegistry& registry);          // Cast, Select, clipping
void RegisterReductionOps(KernelRegistry& registry);     // Sum, Mean, ArgMax, ...
void RegisterNnOps(KernelRegistry& registry);            // conv, matmul, pooling, softmax
void RegisterArrayOps(KernelRegistry& registry);         // reshape, slice, gather, ...
void RegisterImageOps(KernelRegistry& registry);         // resize
void RegisterCropResizeOps(KernelRegistry& registry);    // CropAndResize
void RegisterNmsOps(KernelRegistry& registry);           // NonMaxSuppression*
void RegisterDecodeImageOps(KernelRegistry& registry);   // DecodeJpeg, DecodePng, ...
void RegisterControlFlowOps(KernelRegistry& registry);   // If, While
void RegisterTensorListOps(KernelRegistry& registry);    // TensorList*
void RegisterParsingOps(KernelRegistry& registry);       // ParseExample(V2)
void RegisterTrainingOps(KernelRegistry& registry);      // variable updates, optimizers
void RegisterQuantizationOps(KernelRegistry& registry);  // FakeQuant*, QuantizeAndDequantize*
void RegisterSpaceDepthOps(KernelRegistry& registry);    // SpaceToBatchND, DepthToSpace, ...
void RegisterRollOps(KernelRegistry& registry);          // Roll
void RegisterScatterOps(KernelRegistry& registry);       // ScatterNd, TensorScatter*
void RegisterSegmentOps(KernelRegistry& registry);       // UnsortedSegment*
void RegisterBandPartOps(KernelRegistry& registry);      // MatrixBandPart
void RegisterLoggingOps(KernelRegistry& registry);       // CheckNumerics, StringFormat, PrintV2
void RegisterVolumeOps(KernelRegistry& registry);        // Conv3D, MaxPool3D, AvgPool3D
void RegisterStringOps(KernelRegistry& registry);        // lower, regex, split, hashing
void RegisterRaggedOps(KernelRegistry& registry);        // RaggedTensorToTensor
void RegisterBincountOps(KernelRegistry& registry);      // DenseBincount
void RegisterLookupOps(KernelRegistry& registry);        // hash tables
void RegisterSpectralOps(KernelRegistry& registry);      // FFT, RFFT, IRFFT, ...
void RegisterComplexOps(KernelRegistry& registry);       // Complex, Real, ComplexAbs, ...

void RegisterAllOps(KernelRegistry& registry) {
  RegisterStateOps(registry);
  RegisterUnaryOps(registry);
  RegisterBinaryOps(registry);
  RegisterCastOps(registry);
  RegisterReductionOps(registry);
  RegisterNnOps(registry);
  RegisterArrayOps(registry);
  RegisterImageOps(registry);
  RegisterCropResizeOps(registry);
  RegisterNmsOps(registry);
  RegisterDecodeImageOps(registry);
  RegisterControlFlowOps(registry);
  RegisterTensorListOps(registry);
  RegisterParsingOps(registry);
  RegisterTrainingOps(registry);
  RegisterQuantizationOps(registry);
  RegisterSpaceDepthOps(registry);
  RegisterRollOps(registry);
  RegisterScatterOps(registry);
  RegisterSegmentOps(registry);
  RegisterBandPartOps(registry);
  RegisterLoggingOps(registry);
  RegisterVolumeOps(registry);
  RegisterStringOps(registry);
  RegisterRaggedOps(registry);
  RegisterBincountOps(registry);
  RegisterLookupOps(registry);
  RegisterSpectralOps(registry);
  RegisterComplexOps(registry);
}

}  // namespace tftrt
