#include "dragon/RunCheckpoint.h"

#include "util/AtomicFileWriter.h"
#include "util/ContentHash.h"

#include <cstring>
#include <sstream>
#include <stdexcept>

namespace dragon {

void RunCheckpoint::write(const std::string &path, torch::serialize::OutputArchive &state,
                          const std::string &journal)
{
    std::ostringstream stateBytes;
    state.save_to(stateBytes);
    const std::string bytes = stateBytes.str();
    // A copy into a tensor the outer archive owns; cheap next to the checkpoint's disk write.
    const auto payload = torch::empty({int64_t(bytes.size())}, torch::kUInt8);
    std::memcpy(payload.data_ptr(), bytes.data(), bytes.size());
    torch::serialize::OutputArchive file;
    file.write("format", c10::IValue(std::string(kFormat)));
    file.write("checksum", c10::IValue(toHex(hashBytes(bytes.data(), bytes.size()))));
    file.write("journal", c10::IValue(journal));
    file.write("state", payload);
    std::ostringstream out;
    file.save_to(out);
    AtomicFileWriter::write(path, out.str());
}

RunCheckpoint::Contents RunCheckpoint::read(const std::string &path,
                                            torch::serialize::InputArchive &state)
{
    torch::serialize::InputArchive file;
    try {
        file.load_from(path);
    } catch (const c10::Error &) {
        throw std::runtime_error(
            path + ": not a readable checkpoint (damaged, truncated or not a run checkpoint)");
    }
    c10::IValue format;
    if (!file.try_read("format", format) || !format.isString())
        throw std::runtime_error(path + ": not a run checkpoint (no format record)");
    if (format.toStringRef() == kLegacyFormat) {
        state.load_from(path); // the file itself is the state
        return {};
    }
    if (format.toStringRef() != kFormat)
        throw std::runtime_error(path + ": not a run checkpoint this version reads ('" +
                                 format.toStringRef() + "')");
    c10::IValue checksum, journal;
    torch::Tensor payload;
    if (!file.try_read("checksum", checksum) || !checksum.isString() ||
        !file.try_read("journal", journal) || !journal.isString() ||
        !file.try_read("state", payload) || payload.scalar_type() != torch::kUInt8 ||
        payload.dim() != 1)
        throw std::runtime_error(path + ": the checkpoint is damaged (a record is missing)");
    payload = payload.contiguous();
    const auto *data = static_cast<const char *>(payload.data_ptr());
    const std::size_t size = std::size_t(payload.numel());
    if (toHex(hashBytes(data, size)) != checksum.toStringRef())
        throw std::runtime_error(
            path + ": the checkpoint is damaged (its contents do not match their checksum)");
    try {
        state.load_from(data, size);
    } catch (const c10::Error &) {
        throw std::runtime_error(path + ": the checkpoint is damaged (its state cannot be read)");
    }
    Contents contents;
    contents.verified = true;
    contents.journal = journal.toStringRef();
    return contents;
}

} // namespace dragon
