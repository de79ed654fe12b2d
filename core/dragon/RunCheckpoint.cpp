#include "dragon/RunCheckpoint.h"

#include "model/ArchiveFile.h"

#include <stdexcept>

namespace dragon {

void RunCheckpoint::write(const std::string &path, torch::serialize::OutputArchive &state,
                          const std::string &journal)
{
    state.write("format", c10::IValue(std::string(kFormat)));
    state.write("journal", c10::IValue(journal));
    ArchiveFile::write(path, state);
}

RunCheckpoint::Contents RunCheckpoint::read(const std::string &path,
                                            torch::serialize::InputArchive &state)
{
    const ChecksummedFile::Integrity integrity = ArchiveFile::read(path, state, "a run checkpoint");
    c10::IValue format, journal;
    if (!state.try_read("format", format) || !format.isString())
        throw std::runtime_error(path + ": not a run checkpoint (no format record)");
    Contents contents;
    contents.verified = integrity != ChecksummedFile::Integrity::None;
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
