#include "util/ChecksummedFile.h"

#include "util/AtomicFileWriter.h"
#include "util/ContentHash.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace dragon {
namespace {

constexpr char kMagic[8] = {'D', 'R', 'A', 'G', 'O', 'N', 'C', 'K'};
constexpr std::size_t kHeaderBytes = 24;

void putU64(std::string &out, std::uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        out.push_back(char((v >> (8 * i)) & 0xFF));
}

std::uint64_t getU64(const std::string &in, std::size_t at)
{
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | static_cast<unsigned char>(in[at + std::size_t(i)]);
    return v;
}

} // namespace

std::string ChecksummedFile::sidecarPath(const std::string &path)
{
    return path + ".xxh3";
}

void ChecksummedFile::write(const std::string &path, const std::string &payload)
{
    std::string file(kMagic, sizeof(kMagic));
    putU64(file, payload.size());
    putU64(file, hashBytes(payload.data(), payload.size()));
    file.reserve(kHeaderBytes + payload.size());
    file += payload;
    AtomicFileWriter::write(path, file);
}

ChecksummedFile::Contents ChecksummedFile::read(const std::string &path, std::uint64_t maxBytes)
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        throw std::runtime_error(path + ": does not exist or cannot be read");
    if (size > maxBytes)
        throw std::runtime_error(path + ": is " + std::to_string(size >> 20) +
                                 " MB, more than any model file this version writes");
    std::ifstream in(path, std::ios::binary);
    Contents c;
    c.payload.resize(std::size_t(size));
    if (!in.read(c.payload.data(), std::streamsize(size)))
        throw std::runtime_error(path + ": cannot be read");
    if (size >= kHeaderBytes && std::memcmp(c.payload.data(), kMagic, sizeof(kMagic)) == 0) {
        const std::uint64_t length = getU64(c.payload, 8), checksum = getU64(c.payload, 16);
        if (length != size - kHeaderBytes)
            throw std::runtime_error(path + ": the file is damaged (it holds " +
                                     std::to_string(size - kHeaderBytes) + " bytes of " +
                                     std::to_string(length) + ": truncated or extended)");
        if (hashBytes(c.payload.data() + kHeaderBytes, std::size_t(length)) != checksum)
            throw std::runtime_error(
                path + ": the file is damaged (its contents do not match their checksum)");
        c.payload.erase(0, kHeaderBytes);
        c.integrity = Integrity::Checksum;
        return c;
    }
    std::ifstream sidecar(sidecarPath(path));
    std::string expected;
    if (sidecar >> expected) {
        if (expected != toHex(hashBytes(c.payload.data(), c.payload.size())))
            throw std::runtime_error(
                path + ": the file is damaged (its bytes do not match the checksum in " +
                std::filesystem::path(sidecarPath(path)).filename().string() + ")");
        c.integrity = Integrity::Sidecar;
    }
    return c;
}

void ChecksummedFile::writeSidecar(const std::string &path)
{
    AtomicFileWriter::write(sidecarPath(path), toHex(hashFileContent(path)) + "\n");
}

} // namespace dragon
