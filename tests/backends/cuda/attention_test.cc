// Keras' attention folded into _TftrtAttention (engine/attention_folding.h) on the cuda
// backend: cuDNN's fused attention computes what the float32 plain ops compute on the cpu
// backend, masked (fully masked rows included), unmasked, at BERT's shapes and odd ones,
// q, k and v as three tensors or read through strides from packed projections;
// runners of equal descriptions share one built plan. GPU tests skip without a GPU.
#include <gtest/gtest.h>

#include "backends/cpu/cpu_backend.h"
#include "backends/cuda/attention_runner.h"
#include "backends/cuda/dnn_handles.h"
#include "backends/registry.h"
#include "common/relative_error.h"
#include "engine/attention_folding.h"
#include "engine/attention_test_graph.h"
#include "engine/build_engine.h"
#include "testing/gpu.h"

namespace tftrt {
namespace {

using testing::AddAttention;
using testing::AttentionCase;
using testing::AttentionInputs;

std::vector<EngineArg> Args(const std::vector<Tensor>& inputs) {
  std::vector<EngineArg> args;
  for (const Tensor& t : inputs) args.push_back({t.dtype(), t.shape(), nullptr});
  return args;
}

class CudaAttentionTest : public ::testing::TestWithParam<AttentionCase> {};

TEST_P(CudaAttentionTest, FusedAttentionMatchesThePlainOps) {
  TFTRT_SKIP_WITHOUT_GPU();
  const AttentionCase& c = GetParam();
  Graph graph("segment");
  AddAttention(c, graph);
  // Scores of a few units, as BERT's: the softmax is neither flat nor one-hot.
  const std::vector<Tensor> inputs = AttentionInputs(c, 0.6f);
  auto fused = BuildEngine("attention", graph, Args(inputs), {.precision = Precision::kFP16},
                           *CudaBackend());
  ASSERT_TRUE(fused.ok()) << fused.status().ToString();
  int attentions = 0;
  for (const EngineLayer& layer : (*fused)->plan().layer()) {
    if (layer.op() != kAttentionOp) continue;
    ++attentions;
    if (c.projected_from > 0) {
      EXPECT_EQ(layer.input_size(), c.mask_shape.empty() ? 1 : 2) << "q, k and v packed";
    }
  }
  ASSERT_EQ(attentions, 1) << "the engine must run the fused attention";
  auto plain = BuildEngine("attention", graph, Args(inputs), {.precision = Precision::kFP32},
                           CpuEngineBackend());
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  auto actual = (*fused)->Run(inputs);
  auto expected = (*plain)->Run(inputs);
  ASSERT_TRUE(actual.ok()) << actual.status().ToString();
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  // float16 q, k, v, probabilities and output, each rounded once: 2^-11 relative apiece.
  EXPECT_LT(RelativeError((*actual)[0], (*expected)[0]), 2e-3);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, CudaAttentionTest,
    ::testing::Values(
        // BERT-base at sequence 128: Keras' padding mask, and none.
        AttentionCase{.batch = 4,
                      .queries = 128,
                      .keys = 128,
                      .heads = 12,
                      .head_dim = 64,
                      .mask_shape = {4, 1, 1, 128}},
        AttentionCase{.batch = 2, .queries = 128, .keys = 128, .heads = 12, .head_dim = 64},
        // Self-attention with its projections, which the engine packs (qkv_packing.h): cuDNN
        // reads q, k and v through strides.
        AttentionCase{.batch = 2,
                      .queries = 128,
                      .keys = 128,
                      .heads = 12,
                      .head_dim = 64,
                      .mask_shape = {2, 1, 1, 128},
                      .projected_from = 768},
        AttentionCase{
            .batch = 1, .queries = 7, .keys = 7, .heads = 2, .head_dim = 8, .projected_from = 24},
        // A mask per query, odd sequence lengths, head dims 8 and 128, cross-attention.
        AttentionCase{.batch = 2,
                      .queries = 5,
                      .keys = 6,
                      .heads = 3,
                      .head_dim = 8,
                      .mask_shape = {2, 1, 5, 6}},
        AttentionCase{.batch = 3,
                      .queries = 77,
                      .keys = 77,
                      .heads = 2,
                      .head_dim = 128,
                      .mask_shape = {3, 1, 1, 77}},
        AttentionCase{.batch = 2,
                      .queries = 16,
                      .keys = 200,
                      .heads = 4,
                      .head_dim = 32,
                      .mask_shape = {200}}));

// BERT's 12 attention layers build one plan per input shape, not 12.
TEST(CudaAttentionRunnerTest, EqualDescriptionsShareOnePlan) {
  TFTRT_SKIP_WITHOUT_GPU();
  auto handles = cuda::DnnHandles::Create();
  ASSERT_TRUE(handles.ok()) << handles.status().ToString();
  auto tactics = cuda::TacticOptions::ForCurrentDevice(int64_t{1} << 30);
  ASSERT_TRUE(tactics.ok()) << tactics.status().ToString();
  const cuda::AttentionDescription bert{
      .batch = 2, .queries = 128, .keys = 128, .heads = 12, .head_dim = 64, .scale = 0.125f};
  cuda::AttentionDescription other_batch = bert;
  other_batch.batch = 3;
  auto first = cuda::AttentionRunner::Create(**handles, bert, *tactics);
  auto second = cuda::AttentionRunner::Create(**handles, bert, *tactics);
  auto third = cuda::AttentionRunner::Create(**handles, other_batch, *tactics);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_TRUE((*first)->SharesPlanWith(**second));
  EXPECT_FALSE((*first)->SharesPlanWith(**third));
  EXPECT_EQ((*first)->plan_name(), (*second)->plan_name());
}

}  // namespace
}  // namespace tftrt
