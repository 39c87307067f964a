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
void RegisterControlFlowOps(KernelRegistry& registry);   // If, While
void RegisterTensorListOps(KernelRegistry& registry);    // TensorList*
void RegisterParsingOps(KernelRegistry& registry);       // ParseExample(V2)
void RegisterTrainingOps(KernelRegistry& registry);      // variable updates, optimizers
void RegisterQuantizationOps(KernelRegistry& registry);  // FakeQuant*, QuantizeAndDequantize*
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
  RegisterControlFlowOps(registry);
  RegisterTensorListOps(registry);
  RegisterParsingOps(registry);
  RegisterTrainingOps(registry);
  RegisterQuantizationOps(registry);
  RegisterSpectralOps(registry);
  RegisterComplexOps(registry);
}

}  // namespace tftrt
