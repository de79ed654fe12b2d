// TorchScript encoder plug-ins: load and validate on the probe inputs. Every refusal must be an
// EncoderError naming the file.
#include "FuzzInputFile.h"
#include "encoders/TorchScriptEncoder.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size)
{
    const std::string path = writeFuzzInput(data, size, ".pt");
    try {
        dragon::TorchScriptEncoder encoder(path);
    } catch (const dragon::EncoderError &e) {
        if (std::string(e.what()).find(path) == std::string::npos)
            std::abort();
    }
    return 0;
}
