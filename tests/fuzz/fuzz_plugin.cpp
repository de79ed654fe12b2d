// TorchScript encoder plug-ins: a valid tiny plug-in (plugin/tiny.pt) with a fuzzed reference
// file beside it (NAME.pt.reference.json: format, CRC-32, tolerance, probe output). The loader
// validates the plug-in on its probes and checks it against the reference; every refusal must
// be an EncoderError naming the file. (Raw plug-in bytes go to libtorch's TorchScript parser,
// which crashes or hangs on some damaged files; with a reference file the CRC is checked
// before that parser runs. See README.md.)
#include "FuzzInputFile.h"
#include "encoders/TorchScriptEncoder.h"

#include <cstdlib>
#include <filesystem>

namespace {
std::string g_plugin;
}

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    g_plugin = writeFuzzInput(nullptr, 0, ".pt");
    std::filesystem::copy_file(DRAGON_FUZZ_PLUGIN, g_plugin,
                               std::filesystem::copy_options::overwrite_existing);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size)
{
    std::ofstream(dragon::TorchScriptEncoder::referencePath(g_plugin),
                  std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char *>(data), std::streamsize(size));
    try {
        dragon::TorchScriptEncoder encoder(g_plugin);
    } catch (const dragon::EncoderError &e) {
        if (std::string(e.what()).find(g_plugin) == std::string::npos)
            std::abort();
    }
    return 0;
}
