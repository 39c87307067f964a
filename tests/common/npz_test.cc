// The .npz reader against the archives numpy wrote for every fixture case (inputs.npz by
// np.savez_compressed, outputs.npz by np.savez; the same arrays as the case's .npy files),
// a zip64 archive built by hand, and corrupted archives.
#include "common/npz.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>

#include "common/env.h"
#include "common/npy.h"
#include "testing/fixtures.h"
#include "testing/tensor_compare.h"

namespace tftrt {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  auto contents = Env::Default()->ReadFileToString(path.string());
  EXPECT_TRUE(contents.ok()) << contents.status().ToString();
  return contents.ok() ? *contents : std::string();
}

void ExpectSameArrays(const std::map<std::string, Tensor>& actual,
                      const std::map<std::string, Tensor>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (const auto& [name, tensor] : expected) {
    auto found = actual.find(name);
    ASSERT_NE(found, actual.end()) << name;
    EXPECT_TRUE(testing::TensorsMatch(found->second, tensor, 0.0)) << name;
  }
}

TEST(NpzTest, ReadsWhatNumpyWroteForEveryFixtureCase) {
  const std::vector<testing::FixtureCase> cases = testing::AllFixtureCases();
  if (cases.empty()) GTEST_SKIP() << "no fixtures in " << testing::FixturesDir();
  for (const testing::FixtureCase& c : cases) {
    SCOPED_TRACE(c.Name());
    for (const char* kind : {"inputs", "outputs"}) {
      auto arrays = ReadNpzFile((c.case_dir / (std::string(kind) + ".npz")).string());
      ASSERT_TRUE(arrays.ok()) << arrays.status().ToString();
      ExpectSameArrays(*arrays, testing::ReadNpyDir(c.case_dir / kind));
    }
  }
}

// The smallest fixture case's archives (with members) of each kind: compressed (inputs) and stored
// (outputs); small so that a test may corrupt every byte.
std::vector<std::string> SampleArchives() {
  std::vector<std::string> smallest;
  for (const testing::FixtureCase& c : testing::AllFixtureCases()) {
    std::vector<std::string> archives = {ReadFile(c.case_dir / "inputs.npz"),
                                         ReadFile(c.case_dir / "outputs.npz")};
    const bool both_hold_arrays =
        archives[0].starts_with("PK\x03\x04") && archives[1].starts_with("PK\x03\x04");
    if (!both_hold_arrays) continue;  // a signature without inputs
    if (smallest.empty() ||
        archives[0].size() + archives[1].size() < smallest[0].size() + smallest[1].size()) {
      smallest = std::move(archives);
    }
  }
  return smallest;
}

TEST(NpzTest, EveryFlippedByteIsAnErrorOrHarmless) {
  const std::vector<std::string> archives = SampleArchives();
  if (archives.empty()) GTEST_SKIP() << "no fixtures in " << testing::FixturesDir();
  for (const std::string& archive : archives) {
    auto original = ParseNpz(archive, "original");
    ASSERT_TRUE(original.ok()) << original.status().ToString();
    for (size_t i = 0; i < archive.size(); ++i) {
      std::string corrupt = archive;
      corrupt[i] ^= 0x5a;
      auto flipped = ParseNpz(corrupt, "flipped");
      if (!flipped.ok()) continue;
      // Bytes such as timestamps or a name's letters may change without an error; array
      // contents may not (they are CRC-checked), so every array of an archive that still
      // parses is one of the original arrays.
      ASSERT_EQ(flipped->size(), original->size()) << "byte " << i;
      // A loop over pairs, not a structured binding: clang 14 cannot capture those.
      for (const auto& array : *flipped) {
        const bool known = std::any_of(original->begin(), original->end(), [&](const auto& entry) {
          return static_cast<bool>(testing::TensorsMatch(array.second, entry.second, 0.0));
        });
        EXPECT_TRUE(known) << "byte " << i << " changed array '" << array.first << "'";
      }
    }
  }
}

TEST(NpzTest, TruncationAndDataCorruptionAreDataLoss) {
  const std::vector<std::string> archives = SampleArchives();
  if (archives.empty()) GTEST_SKIP() << "no fixtures in " << testing::FixturesDir();
  for (const std::string& archive : archives) {
    for (size_t length = 0; length < archive.size(); length += 7) {
      auto arrays = ParseNpz(archive.substr(0, length), "truncated.npz");
      EXPECT_FALSE(arrays.ok()) << length;
    }
    // The first member's data follows its 30-byte local header, name and extra field.
    const auto field = [&](size_t pos) {
      return static_cast<uint8_t>(archive[pos]) | static_cast<uint8_t>(archive[pos + 1]) << 8;
    };
    std::string corrupt = archive;
    corrupt[30 + field(26) + field(28) + 40] ^= 0x01;
    auto arrays = ParseNpz(corrupt, "corrupt.npz");
    ASSERT_FALSE(arrays.ok());
    EXPECT_EQ(arrays.status().code(), StatusCode::kDataLoss) << arrays.status().ToString();
    EXPECT_NE(arrays.status().message().find("corrupt.npz: member '"), std::string::npos)
        << arrays.status().ToString();
  }
}

// A corrupt size must be an error before anything of that size is allocated.
TEST(NpzTest, ImpossibleSizeIsDataLoss) {
  const std::vector<std::string> archives = SampleArchives();
  if (archives.empty()) GTEST_SKIP() << "no fixtures in " << testing::FixturesDir();
  std::string archive = archives[0];  // np.savez_compressed: deflated members
  const auto field32 = [&](size_t pos) {
    uint32_t value = 0;
    for (int i = 3; i >= 0; --i) value = value << 8 | static_cast<uint8_t>(archive[pos + i]);
    return value;
  };
  const size_t directory = field32(archive.size() - 22 + 16);
  ASSERT_EQ(field32(directory), 0x02014b50u);
  for (size_t i = 0; i < 4; ++i) archive[directory + 24 + i] = static_cast<char>(0xfe);
  auto arrays = ParseNpz(archive, "huge.npz");
  ASSERT_FALSE(arrays.ok());
  EXPECT_EQ(arrays.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(arrays.status().message().find("claims 4278124286 bytes"), std::string::npos)
      << arrays.status().ToString();
}

TEST(NpzTest, NotAZipFileIsNamed) {
  auto arrays = ParseNpz("\x93NUMPY this is a .npy, not an archive", "x.npz");
  ASSERT_FALSE(arrays.ok());
  EXPECT_NE(arrays.status().message().find("x.npz: not a .npz"), std::string::npos)
      << arrays.status().ToString();
}

void PutLittleEndian(std::string* out, uint64_t value, int width) {
  for (int i = 0; i < width; ++i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

// A stored archive of one member whose central-directory sizes and offset, and whose
// end-of-directory entry count, are all given in zip64 records (as for members > 4 GiB).
std::string Zip64Archive(const std::string& member_name, const std::string& contents) {
  const uint32_t crc = crc32_z(0, reinterpret_cast<const Bytef*>(contents.data()), contents.size());
  std::string zip;
  PutLittleEndian(&zip, 0x04034b50, 4);  // local header
  for (uint64_t field : {20, 0, 0, 0, 0}) PutLittleEndian(&zip, field, 2);
  PutLittleEndian(&zip, crc, 4);
  PutLittleEndian(&zip, contents.size(), 4);
  PutLittleEndian(&zip, contents.size(), 4);
  PutLittleEndian(&zip, member_name.size(), 2);
  PutLittleEndian(&zip, 0, 2);
  zip += member_name + contents;

  const uint64_t directory_offset = zip.size();
  PutLittleEndian(&zip, 0x02014b50, 4);  // central directory entry
  for (uint64_t field : {45, 45, 0, 0, 0, 0}) PutLittleEndian(&zip, field, 2);
  PutLittleEndian(&zip, crc, 4);
  PutLittleEndian(&zip, 0xffffffff, 4);  // compressed size: in the zip64 extra
  PutLittleEndian(&zip, 0xffffffff, 4);  // size: in the zip64 extra
  PutLittleEndian(&zip, member_name.size(), 2);
  PutLittleEndian(&zip, 4 + 24, 2);  // extra length
  for (uint64_t field : {0, 0, 0}) PutLittleEndian(&zip, field, 2);
  PutLittleEndian(&zip, 0, 4);
  PutLittleEndian(&zip, 0xffffffff, 4);  // local header offset: in the zip64 extra
  zip += member_name;
  PutLittleEndian(&zip, 0x0001, 2);
  PutLittleEndian(&zip, 24, 2);
  for (uint64_t field : {contents.size(), contents.size(), uint64_t{0}}) {
    PutLittleEndian(&zip, field, 8);
  }
  const uint64_t directory_size = zip.size() - directory_offset;

  const uint64_t zip64_end = zip.size();
  PutLittleEndian(&zip, 0x06064b50, 4);
  PutLittleEndian(&zip, 44, 8);
  for (uint64_t field : {45, 45}) PutLittleEndian(&zip, field, 2);
  for (uint64_t field : {0, 0}) PutLittleEndian(&zip, field, 4);
  for (uint64_t field : {uint64_t{1}, uint64_t{1}, directory_size, directory_offset}) {
    PutLittleEndian(&zip, field, 8);
  }
  PutLittleEndian(&zip, 0x07064b50, 4);  // zip64 locator
  PutLittleEndian(&zip, 0, 4);
  PutLittleEndian(&zip, zip64_end, 8);
  PutLittleEndian(&zip, 1, 4);
  PutLittleEndian(&zip, 0x06054b50, 4);  // end of directory
  for (uint64_t field : {0, 0, 0xffff, 0xffff}) PutLittleEndian(&zip, field, 2);
  PutLittleEndian(&zip, 0xffffffff, 4);
  PutLittleEndian(&zip, 0xffffffff, 4);
  PutLittleEndian(&zip, 0, 2);
  return zip;
}

TEST(NpzTest, ReadsZip64Records) {
  Tensor x(DataType::kInt32, {2, 3});
  for (int i = 0; i < 6; ++i) x.flat<int32_t>()[i] = i * i;
  auto npy = SerializeNpy(x);
  ASSERT_TRUE(npy.ok());
  auto arrays = ParseNpz(Zip64Archive("x.npy", *npy), "zip64.npz");
  ASSERT_TRUE(arrays.ok()) << arrays.status().ToString();
  ASSERT_EQ(arrays->size(), 1u);
  EXPECT_TRUE(testing::TensorsMatch(arrays->at("x"), x, 0.0));
}

// Members are .npy files read as ReadNpyFile reads them: a Fortran-order member as numpy
// reads it, a bad header refused naming the member.
TEST(NpzTest, MembersUseTheNpyHeaderParser) {
  const auto npy = [](const std::string& fortran_order) {
    std::string header =
        "{'descr': '<i4', 'fortran_order': " + fortran_order + ", 'shape': (2, 3), }";
    header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
    header += '\n';
    const int32_t column_major[] = {0, 3, 1, 4, 2, 5};
    return std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(header.size()) + '\0' + header +
           std::string(reinterpret_cast<const char*>(column_major), 24);
  };
  auto arrays = ParseNpz(Zip64Archive("f.npy", npy("True")), "f.npz");
  ASSERT_TRUE(arrays.ok()) << arrays.status().ToString();
  Tensor expected(DataType::kInt32, {2, 3});
  for (int i = 0; i < 6; ++i) expected.flat<int32_t>()[i] = i;
  EXPECT_TRUE(testing::TensorsMatch(arrays->at("f"), expected, 0.0));

  arrays = ParseNpz(Zip64Archive("f.npy", npy("1")), "f.npz");
  ASSERT_FALSE(arrays.ok());
  EXPECT_NE(arrays.status().message().find("'fortran_order' must be True or False"),
            std::string::npos)
      << arrays.status().ToString();
  EXPECT_NE(arrays.status().message().find("f.npy"), std::string::npos)
      << arrays.status().ToString();
}

TEST(NpzTest, MembersThatAreNotArraysAreRefused) {
  auto arrays = ParseNpz(Zip64Archive("notes.txt", "hello"), "mixed.npz");
  ASSERT_FALSE(arrays.ok());
  EXPECT_NE(arrays.status().message().find("member 'notes.txt' is not a .npy array"),
            std::string::npos)
      << arrays.status().ToString();
}

}  // namespace
}  // namespace tftrt
