#include "dragon/RunCheckpoint.h"

#include "model/TorchLoadError.h"
#include "util/ChecksummedFile.h"

#include <sstream>
#include <stdexcept>

namespace dragon {

void RunCheckpoint::write(const std::string &path, torch::serialize::OutputArchive &state,
                          const std::string &journal)
{
    state.write("format", c10::IValue(std::string(kFormat)));
    state.write("journal", c10::IValue(journal));
    std::ostringstream bytes;
    state.save_to(bytes);
    ChecksummedFile::write(path, bytes.str());
}

RunCheckpoint::Contents RunCheckpoint::read(const std::string &path,
                                            torch::serialize::InputArchive &state)
{
    const ChecksummedFile::Contents file = ChecksummedFile::read(path); // "damaged" before parsing
    try {
        state.load_from(file.payload.data(), file.payload.size());
    } catch (...) {
        throw std::runtime_error(path +
                                 ": not a readable checkpoint (damaged, truncated or not a run "
                                 "checkpoint: " +
                                 TorchLoadError::describeCurrent() + ")");
    }
    c10::IValue format, journal;
    if (!state.try_read("format", format) || !format.isString())
        throw std::runtime_error(path + ": not a run checkpoint (no format record)");
    Contents contents;
    contents.verified = file.integrity != ChecksummedFile::Integrity::None;
    if (format.toStringRef() == kLegacyFormat)
        return contents;
    if (format.toStringRef() != kFormat)
        throw std::runtime_error(path + ": not a run checkpoint this version reads ('" +
                                 format.toStringRef() + "')");
    if (!state.try_read("journal", journal) || !journal.isString())
        throw std::runtime_error(path + ": the checkpoint is damaged (no journal record)");
    contents.journal = journal.toStringRef();
    contents.hasJournal = true;
    return contents;
}

} // namespace dragon
