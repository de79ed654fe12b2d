#include "VerifyCommand.h"

#include "CliOptions.h"
#include "CommandUsage.h"
#include "dragon/RunCheckpoint.h"
#include "encoders/PocketClapModel.h"
#include "encoders/TorchScriptEncoder.h"
#include "model/HalfPrecisionCheckpoint.h"
#include "model/PocketGenerator.h"
#include "util/ChecksummedFile.h"

#include <filesystem>
#include <iostream>

namespace dragon::cli {
namespace {

std::string integrityText(ChecksummedFile::Integrity integrity, const std::string &path)
{
    switch (integrity) {
    case ChecksummedFile::Integrity::Checksum:
        return "verified (checksum)";
    case ChecksummedFile::Integrity::Sidecar:
        return "verified (sidecar " + ChecksummedFile::sidecarPath(path) + ")";
    case ChecksummedFile::Integrity::None:
        break;
    }
    return "not verified (written before checksums; --write-sidecar records it as it is now)";
}

// "pocket model: verified ..." for a half-precision model file (pocket model or pocket CLAP);
// throws naming the file when it is damaged or not a model file.
std::string verifyModel(const std::string &path)
{
    std::string kind;
    try {
        PocketGenerator::load(path);
        kind = "pocket model";
    } catch (const std::runtime_error &e) {
        if (std::string(e.what()).find("not a pocket-model checkpoint") == std::string::npos)
            throw;
        PocketClap::load(path);
        kind = "pocket CLAP";
    }
    return kind + ": " + integrityText(HalfPrecisionCheckpoint::integrity(path), path);
}

} // namespace

int verify(const Args &input)
{
    Args args = input;
    const bool writeSidecar = takeFlag(args, "--write-sidecar");
    if (args.empty())
        return usageError("verify");
    int damaged = 0;
    for (const auto &path : args) {
        if (!std::filesystem::is_regular_file(path)) {
            std::cerr << "error: " << path << ": does not exist or is not a file\n";
            ++damaged;
            continue;
        }
        try {
            // Each loader refuses a file of another kind with "not a ...": try the next one.
            auto otherKind = [](const std::runtime_error &e) {
                const std::string why = e.what();
                return why.find(": not a ") != std::string::npos;
            };
            std::string verdict;
            try {
                verdict = verifyModel(path);
            } catch (const std::runtime_error &e) {
                if (!otherKind(e))
                    throw;
                try {
                    torch::serialize::InputArchive state;
                    verdict =
                        RunCheckpoint::read(path, state).verified
                            ? "run checkpoint: verified (checksum)"
                            : "run checkpoint: not verified (older format without a checksum)";
                } catch (const std::runtime_error &notRun) {
                    if (!otherKind(notRun))
                        throw;
                    TorchScriptEncoder plugin(path); // refuses a damaged plug-in with the reason
                    verdict = plugin.integrityWarning().empty()
                                  ? "encoder plug-in: verified (reference file)"
                                  : "encoder plug-in: " + plugin.integrityWarning();
                }
            }
            if (writeSidecar && verdict.find("not verified (written before") != std::string::npos) {
                ChecksummedFile::writeSidecar(path);
                verdict += "; sidecar written";
            }
            std::cout << path << ": " << verdict << "\n";
        } catch (const std::exception &e) {
            std::cerr << "refused: " << e.what() << "\n";
            ++damaged;
        }
    }
    return damaged ? 1 : 0;
}

} // namespace dragon::cli
