// Fuzzes the checkpoint reader: the input is a tensor bundle's index table and its one data
// shard, packed (fuzz_helpers.h). Opens the bundle (table blocks, header, entries), reads
// every tensor it lists and parses the object graph, as loading a SavedModel does.
#include "fuzz_helpers.h"
#include "savedmodel/saved_model_reader.h"
#include "savedmodel/tensor_bundle_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tftrt;
  MemEnv env;
  fuzz::WritePackedFiles(fuzz::AsBytes(data, size),
                         {"/ckpt/variables.index", "/ckpt/variables.data-00000-of-00001"}, &env);
  auto reader = TensorBundleReader::Open(&env, "/ckpt/variables");
  if (!reader.ok()) return 0;
  for (const BundleEntryInfo& info : (*reader)->List()) {
    auto tensor = (*reader)->Read(info.key);
    (void)tensor;
  }
  tensorflow::TrackableObjectGraph object_graph;
  Status status = ReadObjectGraph(**reader, &object_graph);
  (void)status;
  return 0;
}
