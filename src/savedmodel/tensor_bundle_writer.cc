#include "savedmodel/tensor_bundle_writer.h"

#include "common/check.h"
#include "savedmodel/crc32c.h"
#include "savedmodel/sstable_builder.h"
#include "savedmodel/tensor_bundle_format.h"
#include "savedmodel/tensor_proto.h"

namespace tftrt {

StatusOr<std::unique_ptr<TensorBundleWriter>> TensorBundleWriter::Create(
    Env* env, const std::string& prefix) {
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> data,
                         env->NewWritableFile(bundle::DataPath(prefix, 0, 1)));
  return std::unique_ptr<TensorBundleWriter>(new TensorBundleWriter(env, prefix, std::move(data)));
}

Status TensorBundleWriter::Add(const std::string& key, const Tensor& tensor) {
  TFTRT_CHECK_MSG(!finished_, "TensorBundleWriter::Add after Finish");
  const std::string where = "tensor '" + key + "' for bundle '" + prefix_ + "'";
  if (key.empty()) {
    return Status::InvalidArgument("the empty key is reserved for the bundle header");
  }
  if (entries_.count(key)) return Status::InvalidArgument("duplicate " + where);
  if (!tensor.is_valid() || tensor.dtype() == DataType::kResource ||
      tensor.dtype() == DataType::kVariant) {
    return Status::InvalidArgument(where + " has dtype " +
                                   std::string(DataTypeName(tensor.dtype())) +
                                   ", which cannot be stored in a checkpoint by tftrt");
  }
  uint32_t crc;
  int64_t size;
  if (tensor.dtype() == DataType::kString) {
    std::string encoded;
    bundle::EncodeStringTensor(tensor.flat<std::string>(), tensor.NumElements(), &encoded, &crc);
    TFTRT_RETURN_IF_ERROR(data_->Append(encoded));
    size = static_cast<int64_t>(encoded.size());
  } else {
    const std::string_view bytes(static_cast<const char*>(tensor.raw_data()), tensor.ByteSize());
    crc = crc32c::Value(bytes);
    TFTRT_RETURN_IF_ERROR(data_->Append(bytes));
    size = static_cast<int64_t>(bytes.size());
  }
  tensorflow::BundleEntryProto& entry = entries_[key];
  entry.set_dtype(DataTypeToProto(tensor.dtype()));
  ShapeToProto(tensor.shape(), entry.mutable_shape());
  entry.set_shard_id(0);
  entry.set_offset(offset_);
  entry.set_size(size);
  entry.set_crc32c(crc32c::Mask(crc));
  offset_ += size;
  return Status::Ok();
}

Status TensorBundleWriter::Finish() {
  TFTRT_CHECK_MSG(!finished_, "TensorBundleWriter::Finish twice");
  finished_ = true;
  TFTRT_RETURN_IF_ERROR(data_->Sync());
  TFTRT_RETURN_IF_ERROR(data_->Close());

  const std::string index_path = bundle::IndexPath(prefix_);
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> index, env_->NewWritableFile(index_path));
  SSTableBuilder builder(index.get());
  tensorflow::BundleHeaderProto header;
  header.set_num_shards(1);
  header.set_endianness(tensorflow::BundleHeaderProto::LITTLE);
  header.mutable_version()->set_producer(bundle::kTensorBundleVersion);
  std::string bytes;
  header.SerializeToString(&bytes);
  TFTRT_RETURN_IF_ERROR(builder.Add(bundle::kHeaderEntryKey, bytes));
  // std::map iterates in bytewise key order, as the table requires.
  for (const auto& [key, entry] : entries_) {
    entry.SerializeToString(&bytes);
    TFTRT_RETURN_IF_ERROR(builder.Add(key, bytes));
  }
  TFTRT_RETURN_IF_ERROR(builder.Finish());
  TFTRT_RETURN_IF_ERROR(index->Sync());
  return index->Close();
}

Status WriteTensorBundle(Env* env, const std::string& prefix,
                         const std::vector<std::pair<std::string, Tensor>>& tensors) {
  TFTRT_ASSIGN_OR_RETURN(std::unique_ptr<TensorBundleWriter> writer,
                         TensorBundleWriter::Create(env, prefix));
  for (const auto& [key, tensor] : tensors) TFTRT_RETURN_IF_ERROR(writer->Add(key, tensor));
  return writer->Finish();
}

}  // namespace tftrt
