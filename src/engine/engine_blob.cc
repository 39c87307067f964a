#include "engine/engine_blob.h"

#include "common/checksum.h"
#include "common/logging.h"
#include "savedmodel/coding.h"
#include "savedmodel/crc32c.h"

namespace tftrt {
namespace {

bool TakeBytes(std::string_view* input, size_t n, std::string_view* bytes) {
  if (input->size() < n) return false;
  *bytes = input->substr(0, n);
  input->remove_prefix(n);
  return true;
}

bool TakeFixed64(std::string_view* input, uint64_t* value) {
  std::string_view bytes;
  if (!TakeBytes(input, 8, &bytes)) return false;
  *value = DecodeFixed64(bytes.data());
  return true;
}

// Reads the header (magic, version, target) off the front of `blob`.
StatusOr<std::string_view> TakeHeader(std::string_view* blob) {
  std::string_view magic;
  if (!TakeBytes(blob, kEngineMagic.size(), &magic) || magic != kEngineMagic) {
    return Status::DataLoss("not a tftrt engine (bad magic)");
  }
  uint32_t version = 0, target_size = 0;
  if (!GetFixed32(blob, &version)) return Status::DataLoss("truncated engine header");
  if (version != kEngineFormatVersion) {
    return Status::FailedPrecondition("engine format version " + std::to_string(version) +
                                      ", this tftrt reads version " +
                                      std::to_string(kEngineFormatVersion));
  }
  std::string_view target;
  if (!GetFixed32(blob, &target_size) || !TakeBytes(blob, target_size, &target)) {
    return Status::DataLoss("truncated engine header");
  }
  return target;
}

// The network of a blob's payload (the part after its header).
StatusOr<EngineNetwork> ParsePayload(std::string_view blob) {
  uint64_t payload_size = 0;
  uint32_t masked_crc = 0;
  std::string_view payload;
  if (!TakeFixed64(&blob, &payload_size) || !GetFixed32(&blob, &masked_crc) ||
      !TakeBytes(&blob, payload_size, &payload)) {
    return Status::DataLoss("truncated engine (payload shorter than its header says)");
  }
  if (!blob.empty()) return Status::DataLoss("trailing bytes after the engine payload");
  if (!ChecksumMatches(crc32c::Unmask(masked_crc), crc32c::Value(payload))) {
    return Status::DataLoss("engine checksum mismatch (the engine is damaged)");
  }
  RouteProtobufLogs();
  EngineNetwork network;
  if (!network.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return Status::DataLoss("engine payload does not parse");
  }
  return network;
}

}  // namespace

std::string SerializeEngine(const EngineNetwork& network, std::string_view target) {
  std::string payload;
  network.SerializeToString(&payload);
  std::string blob(kEngineMagic);
  PutFixed32(&blob, kEngineFormatVersion);
  PutFixed32(&blob, static_cast<uint32_t>(target.size()));
  blob.append(target);
  PutFixed64(&blob, payload.size());
  PutFixed32(&blob, crc32c::Mask(crc32c::Value(payload)));
  blob += payload;
  return blob;
}

StatusOr<std::string> EngineBlobTarget(std::string_view blob) {
  TFTRT_ASSIGN_OR_RETURN(std::string_view target, TakeHeader(&blob));
  return std::string(target);
}

StatusOr<EngineNetwork> DeserializeEngine(std::string_view blob, const EngineBackend& backend) {
  TFTRT_ASSIGN_OR_RETURN(std::string_view target, TakeHeader(&blob));
  if (!backend.Accepts(target)) {
    return Status::FailedPrecondition("engine built for target '" + std::string(target) +
                                      "', which the backend here ('" + backend.target() +
                                      "') does not run");
  }
  return ParsePayload(blob);
}

StatusOr<EngineNetwork> EngineBlobPlan(std::string_view blob) {
  TFTRT_RETURN_IF_ERROR(TakeHeader(&blob).status());
  return ParsePayload(blob);
}

}  // namespace tftrt
