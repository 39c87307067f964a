#include "savedmodel/sstable_format.h"

#include "savedmodel/coding.h"

namespace tftrt::sstable {

void EncodeBlockHandle(const BlockHandle& handle, std::string* dst) {
  PutVarint64(dst, handle.offset);
  PutVarint64(dst, handle.size);
}

bool DecodeBlockHandle(std::string_view* input, BlockHandle* handle) {
  return GetVarint64(input, &handle->offset) && GetVarint64(input, &handle->size);
}

}  // namespace tftrt::sstable
